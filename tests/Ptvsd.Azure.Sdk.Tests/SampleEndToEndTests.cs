
namespace Ptvsd.Azure.Sdk.Tests;

/// <summary>
/// samples/FlaskHello, published with -c Debug through the packed SDK and started the way App Service Linux
/// starts it (its ptvsd/startup.sh, on a host without .NET), takes a real debugpy session through the proxy.
/// </summary>
[Collection(SdkCollection.Name)]
[Trait(TestCategories.Category, TestCategories.Slow)]
public sealed class SampleEndToEndTests(SdkFeed feed, ITestOutputHelper output)
{
    [Fact]
    public async Task The_published_sample_holds_no_secret_and_started_by_its_startup_script_stops_at_a_breakpoint_attached_with_the_printed_uri()
    {
        var ct = TestTimeouts.Default(300);
        var python = PythonEnvironment.Require();
        var site = Directory.CreateTempSubdirectory("ptvsd-sample-site-").FullName;
        using var hostPath = LinuxHostPath.Create(python);
        try
        {
            // The sample as it is in the repository: its own global.json pin and nuget.config feed.
            var (exitCode, log) = await DotnetCli.RunAsync(
                feed, RepoPaths.Sample("FlaskHello"), ["publish", "-c", "Debug", "-o", site, "-nologo"], output, ct);
            Assert.True(exitCode == 0, $"publish failed:\n{log}");
            var publish = new PublishResult(exitCode, log, site);
            var secret = publish.SecretInAttachUri!;
            publish.AssertCarriesVerifierOf(secret);

            await using var host = await RunningSite.StartAsync(hostPath.StartupScript(site, output.WriteLine), ct);

            var visit = await BreakpointRoundTrip.RunAsync(host.BaseUri, secret, Path.Combine(site, "app.py"), "Published", output.WriteLine, ct);

            Assert.True(visit.HeldAtBreakpoint, "the request should be held at the breakpoint");
            Assert.Equal("'Hello, Published!'", visit.Greeting);
            Assert.Equal("Hello, Published!", visit.Response);
            Assert.DoesNotContain(secret, string.Join('\n', host.Process.Output));
        }
        finally
        {
            Directory.Delete(site, recursive: true);
        }
    }
}
