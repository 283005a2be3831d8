using System.Text.Json;
using Ptvsd.Contract;

namespace Ptvsd.Azure.Sdk.Tests;

/// <summary>Real <c>dotnet publish -c Debug</c> runs of projects that use the packed SDK.</summary>
[Collection(SdkCollection.Name)]
[Trait(TestCategories.Category, TestCategories.Slow)]
public sealed class DebugPublishTests(SdkFeed feed, ITestOutputHelper output)
{
    [Theory]
    [InlineData(ProjectBase.NoTargets)]
    [InlineData(ProjectBase.Web)]
    public async Task A_debug_publish_prints_the_attach_uri_whose_secret_the_published_web_config_carries(ProjectBase projectBase)
    {
        var ct = TestTimeouts.Default(300);
        using var project = PythonWebProject.Create(feed, output, projectBase);

        var publish = await project.PublishAsync("Debug", ct);

        publish.AssertSucceeded();
        Assert.NotNull(publish.AttachUri);
        Assert.StartsWith("wss://", publish.AttachUri);
        Assert.EndsWith("@pywebapp.azurewebsites.net/ptvsd", publish.AttachUri);
        publish.AssertCarriesVerifierOf(publish.SecretInAttachUri!);
        Assert.Equal([publish.SecretInAttachUri!], PublishResult.Settings(project.TransformFile).Distinct());
        Assert.Contains("Ptvsd Linux startup command: sh ptvsd/startup.sh", publish.Log);

        foreach (var payload in new[] { "app.py", "ptvsd/Ptvsd.WebSocketProxy.dll", "ptvsd/Ptvsd.WebSocketProxy.runtimeconfig.json", "ptvsd/Ptvsd.WebSocketProxy", "ptvsd/bootstrap/sitecustomize.py", "ptvsd/startup.sh" })
        {
            Assert.True(File.Exists(publish.PathOf(payload)), $"{payload} is missing from the publish folder");
        }

        Assert.False(File.Exists(publish.PathOf("web.debug.config")), "web.debug.config holds the secret and must not be published");

        using var attachInfo = JsonDocument.Parse(File.ReadAllText(Path.Combine(project.Folder, "obj", "ptvsd", "attach.json")));
        Assert.Equal(publish.AttachUri, attachInfo.RootElement.GetProperty("attachUri").GetString());
    }

    [Fact]
    public async Task On_the_web_sdk_a_transform_it_applies_as_well_is_still_applied_exactly_once()
    {
        var ct = TestTimeouts.Default(300);
        // Named as the Web SDK looks for it with -c Debug, so its own _TransformXml applies it too, as it would
        // on Windows (case-insensitive) to web.debug.config.
        using var project = PythonWebProject.Create(feed, output, ProjectBase.Web, body: """
            <PropertyGroup><PtvsdTransformFile>web.Debug.config</PtvsdTransformFile></PropertyGroup>
            """);

        var publish = await project.PublishAsync("Debug", ct);

        publish.AssertSucceeded();
        Assert.True(File.Exists(Path.Combine(project.Folder, "web.Debug.config")));
        publish.AssertCarriesVerifierOf(publish.SecretInAttachUri!);
        var webConfig = System.Xml.Linq.XDocument.Load(publish.PathOf("web.config"));
        var httpPlatform = Assert.Single(webConfig.Descendants("httpPlatform"));
        Assert.Equal(@"ptvsd\Ptvsd.WebSocketProxy.dll -- python app.py", (string?)httpPlatform.Attribute("arguments"));
        Assert.Single(webConfig.Descendants("webSocket"));
        Assert.Single(webConfig.Descendants("appSettings"));
    }

    [Theory]
    [InlineData("linux", new[] { "Ptvsd.WebSocketProxy", "bootstrap/sitecustomize.py", "startup.sh" })]
    [InlineData("Windows", new[] { "Ptvsd.WebSocketProxy.deps.json", "Ptvsd.WebSocketProxy.dll", "Ptvsd.WebSocketProxy.runtimeconfig.json", "System.IO.Hashing.dll", "Yarp.ReverseProxy.dll", "bootstrap/sitecustomize.py" })]
    public async Task PtvsdHostOs_narrows_the_payload_to_one_host(string hostOs, string[] expected)
    {
        var ct = TestTimeouts.Default(300);
        using var project = PythonWebProject.Create(feed, output);

        var publish = await project.PublishAsync("Debug", ct, $"-p:PtvsdHostOs={hostOs}");

        publish.AssertSucceeded();
        var payload = Directory.EnumerateFiles(publish.PathOf("ptvsd"), "*", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(publish.PathOf("ptvsd"), file).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);
        Assert.Equal(expected, payload);
        publish.AssertCarriesVerifierOf(publish.SecretInAttachUri!);
    }

    [Fact]
    public async Task An_unknown_PtvsdHostOs_is_an_error()
    {
        var ct = TestTimeouts.Default(300);
        using var project = PythonWebProject.Create(feed, output);

        var publish = await project.PublishAsync("Debug", ct, "-p:PtvsdHostOs=macos");

        Assert.NotEqual(0, publish.ExitCode);
        Assert.Contains("error PTVSD1105:", publish.Log);
    }

    [Fact]
    public async Task Every_republish_brings_a_new_secret_into_the_published_web_config()
    {
        var ct = TestTimeouts.Default(300);
        using var project = PythonWebProject.Create(feed, output);
        var publishDir = project.NewPublishDir();

        var first = await project.PublishToAsync(publishDir, "Debug", ct);
        var second = await project.PublishToAsync(publishDir, "Debug", ct);

        first.AssertSucceeded();
        second.AssertSucceeded();
        Assert.NotEqual(first.SecretInAttachUri, second.SecretInAttachUri);
        second.AssertCarriesVerifierOf(second.SecretInAttachUri!);
    }

    [Fact]
    public async Task A_transform_without_the_marker_is_the_users_and_keeps_its_secret()
    {
        var ct = TestTimeouts.Default(300);
        using var project = PythonWebProject.Create(feed, output);
        var generated = await project.PublishAsync("Debug", ct);
        generated.AssertSucceeded();
        var userText = File.ReadAllText(project.TransformFile).Replace("Generated by Ptvsd.Azure.Sdk", "Taken over by me");
        File.WriteAllText(project.TransformFile, userText);

        var republished = await project.PublishAsync("Debug", ct);

        republished.AssertSucceeded();
        Assert.Equal(userText, File.ReadAllText(project.TransformFile));
        Assert.Equal(generated.SecretInAttachUri, republished.SecretInAttachUri);
        republished.AssertCarriesVerifierOf(generated.SecretInAttachUri!);
    }

    [Fact]
    public async Task A_deleted_transform_is_recreated_with_a_new_secret()
    {
        var ct = TestTimeouts.Default(300);
        using var project = PythonWebProject.Create(feed, output);
        var first = await project.PublishAsync("Debug", ct);
        File.Delete(project.TransformFile);

        var second = await project.PublishAsync("Debug", ct);

        second.AssertSucceeded();
        Assert.True(File.Exists(project.TransformFile));
        Assert.NotEqual(first.SecretInAttachUri, second.SecretInAttachUri);
        second.AssertCarriesVerifierOf(second.SecretInAttachUri!);
    }

    [Theory]
    [InlineData("web.config", "<configuration>\n  <system.webServer>\n    <handlers>\n  </system.webServer>\n</configuration>\n", "(4,5): error PTVSD1102:")]
    [InlineData("web.debug.config", "<?xml version=\"1.0\"?>\n<configuration>\n  <appSettings>\n</configuration>\n", "(4,3): error PTVSD1101:")]
    public async Task A_malformed_config_fails_with_file_and_line_and_publishes_nothing(string file, string content, string expectedError)
    {
        var ct = TestTimeouts.Default(300);
        using var project = PythonWebProject.Create(feed, output);
        var path = Path.Combine(project.Folder, file);
        File.WriteAllText(path, content);
        var publishDir = Path.Combine(project.NewPublishDir(), "out");

        var publish = await project.PublishToAsync(publishDir, "Debug", ct);

        Assert.NotEqual(0, publish.ExitCode);
        Assert.Contains(path + expectedError, publish.Log);
        Assert.DoesNotContain("Ptvsd attach URI:", publish.Log);
        Assert.False(Directory.Exists(publishDir) && Directory.EnumerateFileSystemEntries(publishDir).Any(), "nothing may be published");
        // web.debug.config is written only after web.config has been read, and a user's file is never rewritten.
        Assert.Equal(file == "web.debug.config" ? content : null, File.Exists(project.TransformFile) ? File.ReadAllText(project.TransformFile) : null);
    }

    [Fact]
    public async Task Without_web_config_or_a_command_a_django_project_starts_under_gunicorn_as_app_service_would_start_it()
    {
        var ct = TestTimeouts.Default(300);
        using var project = PythonWebProject.Create(feed, output);
        File.Delete(project.WebConfigFile);
        File.Delete(Path.Combine(project.Folder, "app.py"));
        Directory.CreateDirectory(Path.Combine(project.Folder, "mysite"));
        File.WriteAllText(Path.Combine(project.Folder, "mysite", "wsgi.py"), "application = None\n");

        var publish = await project.PublishAsync("Debug", ct);

        publish.AssertSucceeded();
        Assert.Contains("Ptvsd Linux app command: gunicorn --bind=127.0.0.1:{port} --timeout 600 mysite.wsgi (mysite/wsgi.py makes it a Django project", publish.Log);
        Assert.EndsWith(" -- gunicorn --bind=127.0.0.1:{port} --timeout 600 mysite.wsgi\n", File.ReadAllText(publish.PathOf("ptvsd/startup.sh")));
    }

    [Fact]
    public async Task Without_web_config_or_a_command_an_app_it_cannot_recognise_fails_the_publish_with_the_fix_and_publishes_nothing()
    {
        var ct = TestTimeouts.Default(300);
        using var project = PythonWebProject.Create(feed, output);
        File.Delete(project.WebConfigFile);
        File.Move(Path.Combine(project.Folder, "app.py"), Path.Combine(project.Folder, "main.py"));
        var publishDir = Path.Combine(project.NewPublishDir(), "out");

        var publish = await project.PublishToAsync(publishDir, "Debug", ct);

        Assert.NotEqual(0, publish.ExitCode);
        Assert.Contains("error PTVSD1107:", publish.Log);
        Assert.Contains("<PtvsdLinuxAppCommand>gunicorn --bind=0.0.0.0:$PORT myapp:app</PtvsdLinuxAppCommand>", publish.Log);
        Assert.False(Directory.Exists(publishDir) && Directory.EnumerateFileSystemEntries(publishDir).Any(), "nothing may be published");
    }

    [Fact]
    public async Task A_site_url_with_a_path_base_fails_the_publish_with_the_fix_and_publishes_nothing()
    {
        var ct = TestTimeouts.Default(300);
        using var project = PythonWebProject.Create(feed, output);
        var publishDir = Path.Combine(project.NewPublishDir(), "out");

        var publish = await project.PublishToAsync(publishDir, "Debug", ct, "-p:PtvsdSiteUrl=https://example.com/app");

        Assert.NotEqual(0, publish.ExitCode);
        Assert.Contains("error PTVSD1108: PtvsdSiteUrl 'https://example.com/app' has the path '/app'", publish.Log);
        Assert.False(Directory.Exists(publishDir) && Directory.EnumerateFileSystemEntries(publishDir).Any(), "nothing may be published");
    }

    [Fact]
    public async Task The_session_cap_set_in_the_project_reaches_the_published_web_config_and_startup_sh()
    {
        var ct = TestTimeouts.Default(300);
        using var project = PythonWebProject.Create(feed, output, body: "<PropertyGroup><PtvsdMaxDebugSessions>300</PtvsdMaxDebugSessions></PropertyGroup>");

        var publish = await project.PublishAsync("Debug", ct);

        publish.AssertSucceeded();
        Assert.Equal(["300"], PublishResult.Settings(publish.PathOf("web.config"), SiteSettings.MaxDebugSessions));
        Assert.Contains("export PTVSD_MAX_SESSIONS=\"${PTVSD_MAX_SESSIONS:-300}\"\n", File.ReadAllText(publish.PathOf("ptvsd/startup.sh")));
    }

    [Fact]
    public async Task A_user_owned_transform_that_no_longer_starts_the_proxy_ships_no_proxy_and_says_so()
    {
        var ct = TestTimeouts.Default(300);
        using var project = PythonWebProject.Create(feed, output);
        File.WriteAllText(project.TransformFile, """
            <?xml version="1.0"?>
            <configuration xmlns:xdt="http://schemas.microsoft.com/XML-Document-Transform">
              <appSettings xdt:Transform="Insert">
                <add key="WSGI_PTVSD_SECRET" value="a-secret-of-my-own-choosing" />
              </appSettings>
            </configuration>
            """);

        var publish = await project.PublishAsync("Debug", ct);

        publish.AssertSucceeded();
        Assert.Contains("warning PTVSD1001:", publish.Log);
        Assert.Null(publish.AttachUri);
        Assert.False(Directory.Exists(publish.PathOf("ptvsd")), "a disabled proxy must not be shipped");
        publish.AssertCarriesVerifierOf("a-secret-of-my-own-choosing");
    }

    [Fact]
    public async Task The_attach_uri_is_returned_by_get_property_and_get_target_result()
    {
        var ct = TestTimeouts.Default(300);
        using var project = PythonWebProject.Create(feed, output);

        var property = await project.PublishAsync("Debug", ct, "-getProperty:PtvsdAttachUri");
        var targetResult = await project.PublishAsync("Debug", ct, "-getTargetResult:PtvsdGetAttachUri");

        property.AssertSucceeded();
        var propertyUri = property.Log.Split('\n').Select(line => line.Trim()).Single(line => line.StartsWith("wss://", StringComparison.Ordinal));
        property.AssertCarriesVerifierOf(new Uri(propertyUri).UserInfo);

        targetResult.AssertSucceeded();
        using var json = JsonDocument.Parse(targetResult.Log[targetResult.Log.IndexOf('{')..]);
        var item = json.RootElement.GetProperty("TargetResults").GetProperty("PtvsdGetAttachUri").GetProperty("Items")[0];
        var targetUri = item.GetProperty("Identity").GetString()!;
        targetResult.AssertCarriesVerifierOf(new Uri(targetUri).UserInfo);
    }

    [Theory]
    [InlineData("-p:PtvsdSiteName=contoso-debug", "wss://{0}@contoso-debug.azurewebsites.net/ptvsd")]
    [InlineData("-p:PtvsdSiteUrl=http://127.0.0.1:8080/", "ws://{0}@127.0.0.1:8080/ptvsd")]
    [InlineData("-p:PublishSiteName=from-profile", "wss://{0}@from-profile.azurewebsites.net/ptvsd")]
    [InlineData("-p:SiteUrlToLaunchAfterPublish=https://www.contoso.com/app/index.html", "wss://{0}@www.contoso.com/ptvsd")]
    public async Task The_attach_uri_names_the_site_that_was_asked_for(string property, string expectedFormat)
    {
        var ct = TestTimeouts.Default(300);
        using var project = PythonWebProject.Create(feed, output);

        var publish = await project.PublishAsync("Debug", ct, property);

        publish.AssertSucceeded();
        Assert.Equal(string.Format(expectedFormat, publish.SecretInAttachUri), publish.AttachUri);
    }

    [Fact]
    public async Task The_warnings_name_what_users_trip_over_and_the_publish_still_succeeds()
    {
        var ct = TestTimeouts.Default(300);
        using var project = PythonWebProject.Create(feed, output);
        File.WriteAllText(Path.Combine(project.Folder, "requirements.txt"), "flask\n");
        File.WriteAllText(project.WebConfigFile, """
            <configuration>
              <system.webServer>
                <handlers>
                  <add name="Python FastCGI" path="*" verb="*" modules="FastCgiModule" scriptProcessor="D:\home\python\python.exe|D:\home\python\wfastcgi.py" resourceType="Unspecified" />
                </handlers>
                <webSocket enabled="false" />
              </system.webServer>
            </configuration>
            """);

        var publish = await project.PublishAsync("Debug", ct);

        publish.AssertSucceeded();
        Assert.Contains("warning PTVSD1003:", publish.Log);
        Assert.Contains("warning PTVSD1004:", publish.Log);
        Assert.Contains("warning PTVSD1005:", publish.Log);
        Assert.NotNull(publish.AttachUri);
    }
}
