
namespace Ptvsd.Azure.Sdk.Tests;

/// <summary>
/// samples/FlaskHello, published with -c Debug through the packed SDK and started the way App Service Linux
/// starts it (its ptvsd/startup.sh, on a host without .NET), takes a real debugpy session through the proxy.
/// </summary>
[Collection(SdkCollection.Name)]
public sealed class SampleEndToEndTests(SdkFeed feed, ITestOutputHelper output)
{
    [Fact]
    public async Task The_published_sample_holds_no_secret_and_started_by_its_startup_script_stops_at_a_breakpoint_attached_with_the_printed_uri()
    {
        var ct = TestTimeouts.Default(300);
        var python = PythonEnvironment.Require();
        var site = Directory.CreateTempSubdirectory("ptvsd-sample-site-").FullName;
        var hostBin = Directory.CreateTempSubdirectory("ptvsd-host-bin-").FullName;
        try
        {
            // The sample as it is in the repository: its own global.json pin and nuget.config feed.
            var (exitCode, log) = await DotnetCli.RunAsync(
                feed, RepoPaths.Sample("FlaskHello"), ["publish", "-c", "Debug", "-o", site, "-nologo"], output, ct);
            Assert.True(exitCode == 0, $"publish failed:\n{log}");
            var publish = new PublishResult(exitCode, log, site);
            var secret = publish.SecretInAttachUri!;
            publish.AssertCarriesVerifierOf(secret);

            // A Linux host as App Service's Python images are: no .NET at all. PATH holds only what startup.sh and
            // the app use, and `python` is the interpreter that has the app's requirements.
            File.CreateSymbolicLink(Path.Combine(hostBin, "python"), python.Path);
            foreach (var tool in new[] { "dirname", "chmod" })
            {
                File.CreateSymbolicLink(Path.Combine(hostBin, tool), Path.Combine("/usr/bin", tool));
            }
            var start = new ManagedProcessStartInfo("/bin/sh", "ptvsd/startup.sh") { WorkingDirectory = site, Output = output.WriteLine };
            start.Environment["PATH"] = hostBin;
            start.Environment["DOTNET_ROOT"] = null;
            await using var host = await RunningSite.StartAsync(start, ct);

            var visit = await BreakpointRoundTrip.RunAsync(host.BaseUri, secret, Path.Combine(site, "app.py"), "Published", output.WriteLine, ct);

            Assert.True(visit.HeldAtBreakpoint, "the request should be held at the breakpoint");
            Assert.Equal("'Hello, Published!'", visit.Greeting);
            Assert.Equal("Hello, Published!", visit.Response);
            Assert.DoesNotContain(secret, string.Join('\n', host.Process.Output));
        }
        finally
        {
            Directory.Delete(site, recursive: true);
            Directory.Delete(hostBin, recursive: true);
        }
    }
}
