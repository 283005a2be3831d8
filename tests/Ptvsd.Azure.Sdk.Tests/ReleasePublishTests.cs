namespace Ptvsd.Azure.Sdk.Tests;

/// <summary>A Release publish must be exactly what the same project publishes without the SDK.</summary>
[Collection(SdkCollection.Name)]
[Trait(TestCategories.Category, TestCategories.Slow)]
public sealed class ReleasePublishTests(SdkFeed feed, ITestOutputHelper output)
{
    [Theory]
    [InlineData(ProjectBase.NoTargets)]
    [InlineData(ProjectBase.Web)]
    public async Task A_release_publish_is_byte_identical_to_one_without_the_sdk(ProjectBase projectBase)
    {
        var ct = TestTimeouts.Default(300);
        using var project = PythonWebProject.Create(feed, output, projectBase);

        // Same folder for both, so that compiled outputs (the Web SDK's assembly and its pdb path) can match.
        project.WriteProjectFile(withSdk: false);
        var withoutSdk = await project.PublishAsync("Release", ct);
        withoutSdk.AssertSucceeded();

        project.Clean();
        project.WriteProjectFile(withSdk: true);
        // A Debug publish first leaves web.debug.config (with its secret) beside the project, as in real life.
        (await project.PublishAsync("Debug", ct)).AssertSucceeded();
        Assert.True(File.Exists(project.TransformFile));
        project.Clean();
        var withSdk = await project.PublishAsync("Release", ct);
        withSdk.AssertSucceeded();

        Assert.DoesNotContain("Ptvsd attach URI", withSdk.Log);
        Assert.Equal(withoutSdk.Fingerprint(), withSdk.Fingerprint());
    }

    [Fact]
    public async Task A_project_without_web_config_or_requirements_publishes_in_release_as_without_the_sdk_and_in_debug_too()
    {
        var ct = TestTimeouts.Default(300);
        using var project = PythonWebProject.Create(feed, output);
        File.Delete(project.WebConfigFile);
        File.Delete(Path.Combine(project.Folder, "requirements.txt"));

        project.WriteProjectFile(withSdk: false);
        var withoutSdk = await project.PublishAsync("Release", ct);
        withoutSdk.AssertSucceeded();

        project.Clean();
        project.WriteProjectFile(withSdk: true);
        var withSdk = await project.PublishAsync("Release", ct);
        var debug = await project.PublishAsync("Debug", ct);

        withSdk.AssertSucceeded();
        Assert.Equal(withoutSdk.Fingerprint(), withSdk.Fingerprint());
        debug.AssertSucceeded();
        debug.AssertCarriesVerifierOf(debug.SecretInAttachUri!);
        Assert.False(File.Exists(debug.PathOf("requirements.txt")));
    }
}
