using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Ptvsd.Testing;
using Ptvsd.WebSocketProxy.Tests;

namespace Ptvsd.Attach.Tests;

/// <summary><c>ptvsd probe</c> against each failure it names, each produced for real, and against a healthy proxy.</summary>
public sealed class ProbeTests(ITestOutputHelper output)
{
    private const string SiteFix = "Fix: start the site (Azure portal: Overview > Start, or `az webapp start`) and check the host and port in the URI.";

    [Fact]
    public async Task All_good_passes_every_check_exits_0_and_never_connects_to_the_debug_server()
    {
        await using var debugServer = new CountingTcpListener();
        await using var proxy = await RunningProxy.StartAsync(output, options =>
        {
            options.DebugServer = RunningProxy.Loopback(debugServer.Port);
            options.InstanceName = "inst-7";
        });

        var run = await ProbeAsync(AttachProcess.UriFor(proxy));

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(
            [
                $"Probing ws://***@{proxy.BaseUri.Authority}/ptvsd",
                "✓ site answers HTTP: HTTP 200 from GET /ptvsd",
                "✓ /ptvsd is the debug proxy: the debug proxy is up, its relay is open",
                "✓ WebSocket upgrade reaches the proxy: the proxy's WebSocket endpoint answered HTTP 401 to an upgrade without the secret, as it should",
                "✓ secret accepted: the proxy accepted the secret",
                $"✓ debug server reachable: debugpy listens at 127.0.0.1:{debugServer.Port} in the app; instance inst-7 (pin it with --instance inst-7)",
                $"All 5 checks passed: `ptvsd attach ws://***@{proxy.BaseUri.Authority}/ptvsd` should work.",
            ],
            run.OutputLines);
        await Task.Delay(200);
        Assert.Equal(0, debugServer.AcceptedCount);
        Assert.DoesNotContain(proxy.Logs.Lines, line => line.Contains("SessionAccepted", StringComparison.Ordinal) || line.Contains("AuthenticationFailed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task No_server_fails_the_first_check_as_a_stopped_site()
    {
        var port = FreePort.Get();

        var run = await ProbeAsync($"ws://{RunningProxy.NewSecret()}@127.0.0.1:{port}/ptvsd");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(
            $"✗ site answers HTTP: 127.0.0.1:{port} refused the connection. Likely cause: the site is stopped, or nothing listens at that host and port. {SiteFix}",
            run.OutputLines[1]);
        Assert.All(run.OutputLines.Skip(2).Take(4), line => Assert.StartsWith("- ", line));
    }

    [Fact]
    public async Task A_server_without_ptvsd_fails_the_second_check_as_not_deployed_in_debug()
    {
        await using var site = await KestrelSite.StartAsync(context =>
        {
            // The app as a Release publish serves it: its own pages, and 404 for /ptvsd.
            context.Response.StatusCode = context.Request.Path == "/" ? StatusCodes.Status200OK : StatusCodes.Status404NotFound;
            return context.Response.WriteAsync(context.Request.Path == "/" ? "Hello, world!" : "Not Found");
        });

        var run = await ProbeAsync($"ws://{RunningProxy.NewSecret()}@{site.Authority}/ptvsd");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("✓ site answers HTTP: HTTP 404 from GET /ptvsd", run.OutputLines[1]);
        Assert.Equal(
            "✗ /ptvsd is the debug proxy: HTTP 404 instead of the debug proxy at /ptvsd. Likely cause: the site is not published in Debug, "
            + "or its web.config was changed so the debug proxy no longer starts. Fix: publish with `dotnet publish -c Debug` (Ptvsd.Azure.Sdk) and keep the generated web.debug.config.",
            run.OutputLines[2]);
    }

    [Fact]
    public async Task A_front_end_that_does_not_pass_websocket_upgrades_fails_the_third_check_as_web_sockets_disabled()
    {
        await using var debugServer = new CountingTcpListener();
        await using var proxy = await RunningProxy.StartAsync(output, options => options.DebugServer = RunningProxy.Loopback(debugServer.Port));
        await using var frontEnd = await KestrelSite.StartFrontEndWithoutWebSocketsAsync(proxy.BaseUri);

        var run = await ProbeAsync($"ws://{proxy.Secret}@{frontEnd.Authority}/ptvsd");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("✓ /ptvsd is the debug proxy", run.OutputLines[2]);
        Assert.Equal(
            "✗ WebSocket upgrade reaches the proxy: the WebSocket upgrade arrived at /ptvsd as a plain request (HTTP 200). Likely cause: web sockets are disabled on the site, "
            + "or a front end in between does not pass WebSocket upgrades. Fix: turn web sockets on (Azure portal: Configuration > General settings > Web sockets: On, "
            + "or `az webapp config set --web-sockets-enabled true`).",
            run.OutputLines[3]);
        Assert.Equal(0, debugServer.AcceptedCount);
    }

    [Fact]
    public async Task A_wrong_secret_fails_the_fourth_check_as_a_stale_secret()
    {
        await using var proxy = await RunningProxy.StartAsync(output);
        var stale = RunningProxy.NewSecret();

        var run = await ProbeAsync($"ws://{stale}@{proxy.BaseUri.Authority}/ptvsd");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(
            "✗ secret accepted: the proxy did not accept the secret (HTTP 401). Likely cause: a stale secret: every Debug publish makes a new one, and this URI is from an earlier publish. "
            + "Fix: copy the attach URI from the latest `dotnet publish -c Debug` (or use --project PATH), or republish.",
            run.OutputLines[4]);
        Assert.StartsWith("- debug server reachable", run.OutputLines[5]);
        Assert.DoesNotContain(stale, run.Output + run.Errors);
    }

    [Fact]
    public async Task A_proxy_whose_debug_server_is_down_fails_the_fifth_check()
    {
        var port = FreePort.Get();
        await using var proxy = await RunningProxy.StartAsync(output, options => options.DebugServer = RunningProxy.Loopback(port));

        var run = await ProbeAsync(AttachProcess.UriFor(proxy));

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("✓ secret accepted: the proxy accepted the secret", run.OutputLines[4]);
        Assert.Equal(
            $"✗ debug server reachable: nothing listens at 127.0.0.1:{port} behind the proxy. Likely cause: debugpy is not installed in the site's Python, "
            + "or the app has not started it (yet). Fix: add debugpy to requirements.txt and republish; the site's log shows a 'ptvsd-bootstrap:' line with the reason.",
            run.OutputLines[5]);
    }

    [Fact]
    [Trait(TestCategories.Category, TestCategories.Slow)]
    public async Task A_debug_port_held_by_another_process_fails_the_fifth_check_naming_that()
    {
        var ct = TestTimeouts.Default();
        var python = PythonEnvironment.Require();
        using var squatter = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        squatter.Start();
        var debugPort = ((System.Net.IPEndPoint)squatter.LocalEndpoint).Port;
        await using var proxy = await RunningProxy.StartAsync(output, options =>
        {
            // Any Python app: the bootstrap it imports finds the debug port taken.
            options.AppCommand = [python.Path, "-c", "import os, time, socket; s = socket.create_server(('127.0.0.1', int(os.environ['PORT']))); time.sleep(600)"];
            options.DebugServer = RunningProxy.Loopback(debugPort);
        });
        while ((await proxy.GetStatusAsync(ct))["debugServer"]?["bootstrapError"] is null)
        {
            await Task.Delay(50, ct);
        }

        var run = await ProbeAsync(AttachProcess.UriFor(proxy));

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith($"✗ debug server reachable: 127.0.0.1:{debugPort} behind the proxy is held by a process that is not this app's debugger. Likely cause: another program", run.OutputLines[5]);
        Assert.Contains("Fix: set WSGI_PTVSD_ADDRESS to a free port", run.OutputLines[5]);
    }

    [Fact]
    public async Task A_debug_server_that_accepts_but_never_answers_fails_the_fifth_check_suggesting_a_restart()
    {
        var ct = TestTimeouts.Default();
        await using var wedged = new CountingTcpListener();
        await using var proxy = await RunningProxy.StartAsync(output, options =>
        {
            options.DebugServer = RunningProxy.Loopback(wedged.Port);
            options.DebugServerAnswerTimeout = TimeSpan.FromMilliseconds(300);
        });
        using var debugger = await proxy.ConnectAsync(ct);
        await debugger.SendAsync("Content-Length: 2\r\n\r\n{}"u8.ToArray(), System.Net.WebSockets.WebSocketMessageType.Binary, true, ct);
        while ((await proxy.GetStatusAsync(ct))["debugServer"]?["unansweredSince"] is null)
        {
            await Task.Delay(50, ct);
        }

        var run = await ProbeAsync(AttachProcess.UriFor(proxy));

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith($"✗ debug server reachable: debugpy listens at 127.0.0.1:{wedged.Port} but has not answered a debugger since ", run.OutputLines[5]);
        Assert.Contains($"Fix: restart the app and its debugger: `ptvsd restart ws://***@{proxy.BaseUri.Authority}/ptvsd`", run.OutputLines[5]);
        Assert.Equal(1, wedged.AcceptedCount);
    }

    [Fact]
    public async Task A_proxy_without_a_secret_passes_the_upgrade_check_and_fails_the_secret_check_as_a_closed_relay()
    {
        await using var proxy = await RunningProxy.StartAsync(output, withSecret: false);

        var run = await ProbeAsync($"ws://{RunningProxy.NewSecret()}@{proxy.BaseUri.Authority}/ptvsd");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("✓ WebSocket upgrade reaches the proxy: the proxy's WebSocket endpoint answered HTTP 503", run.OutputLines[3]);
        Assert.StartsWith("✗ secret accepted: the debug proxy's relay is closed: no WSGI_PTVSD_SECRET is configured (publish with -c Debug, or set WSGI_PTVSD_SECRET in the app settings). Likely cause: the site has no usable WSGI_PTVSD_SECRET.", run.OutputLines[4]);
    }

    [Theory]
    [InlineData(403, "<h1>Error 403 - This web app is stopped.</h1>", null, "✗ site answers HTTP: the front end answers HTTP 403: the web app is stopped. Likely cause: the site is stopped.")]
    [InlineData(302, "", "https://login.microsoftonline.com/common/oauth2/authorize?client_id=x", "✗ /ptvsd is the debug proxy: /ptvsd redirects (HTTP 302) to https://login.microsoftonline.com/common/oauth2/authorize.")]
    [InlineData(502, "Bad Gateway", null, "✗ /ptvsd is the debug proxy: /ptvsd answers HTTP 502. Likely cause: the site's front end cannot reach the debug proxy")]
    [InlineData(200, "<html>my app</html>", null, "✗ /ptvsd is the debug proxy: a page of the app itself (HTTP 200) instead of the debug proxy at /ptvsd.")]
    public async Task Front_end_answers_at_ptvsd_are_told_apart(int status, string body, string? location, string expected)
    {
        await using var site = await KestrelSite.StartAsync(context =>
        {
            context.Response.StatusCode = status;
            if (location is not null)
            {
                context.Response.Headers.Location = location;
            }

            return context.Response.WriteAsync(body);
        });

        var run = await ProbeAsync($"ws://{RunningProxy.NewSecret()}@{site.Authority}/ptvsd");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(run.OutputLines, line => line.StartsWith(expected, StringComparison.Ordinal));
        Assert.DoesNotContain("client_id", run.Output);
    }

    [Fact]
    public async Task An_untrusted_certificate_fails_the_first_check_and_insecure_gets_past_it_saying_so()
    {
        using var certificate = KestrelSite.SelfSignedCertificate();
        await using var site = await KestrelSite.StartAsync(context =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }, certificate);
        var uri = $"wss://{RunningProxy.NewSecret()}@{site.Authority}/ptvsd";

        var trusting = await ProbeAsync(uri);
        var insecure = await ProbeAsync(uri, "--insecure");

        Assert.Equal(1, trusting.ExitCode);
        Assert.StartsWith($"✗ site answers HTTP: the TLS handshake with {site.Authority} failed: ", trusting.OutputLines[1]);
        Assert.Contains("Likely cause: this machine does not trust the site's certificate (self-signed, expired, or issued for another name). "
            + "Fix: use the site's own host name; for a test site you trust, add --insecure.", trusting.OutputLines[1]);
        Assert.Equal("", trusting.Errors);

        Assert.Equal(1, insecure.ExitCode);
        Assert.Equal("✓ site answers HTTP: HTTP 404 from GET /ptvsd", insecure.OutputLines[1]);
        Assert.StartsWith("ptvsd: warning: --insecure: the site's TLS certificate is not checked", insecure.Errors);
    }

    [Fact]
    public async Task Json_output_lists_every_check_with_its_status_and_the_failures_cause_and_fix()
    {
        await using var proxy = await RunningProxy.StartAsync(output);

        var run = await ProbeAsync($"ws://{RunningProxy.NewSecret()}@{proxy.BaseUri.Authority}/ptvsd", "--json");

        Assert.Equal(1, run.ExitCode);
        var json = JsonNode.Parse(run.Output)!;
        Assert.False((bool)json["passed"]!);
        Assert.Equal($"ws://***@{proxy.BaseUri.Authority}/ptvsd", (string?)json["uri"]);
        var checks = json["checks"]!.AsArray();
        Assert.Equal(["site", "proxy", "upgrade", "secret", "debugServer"], checks.Select(c => (string?)c!["id"]));
        Assert.Equal(["passed", "passed", "passed", "failed", "skipped"], checks.Select(c => (string?)c!["status"]));
        Assert.Equal("the proxy did not accept the secret (HTTP 401)", (string?)checks[3]!["problem"]);
        Assert.NotNull(checks[3]!["cause"]);
        Assert.NotNull(checks[3]!["fix"]);
    }

    [Fact]
    public async Task The_project_option_probes_the_uri_of_the_last_debug_publish_and_the_instance_cookie_goes_with_every_request()
    {
        await using var site = new RequestRecorder();
        var project = Directory.CreateTempSubdirectory("ptvsd-project-").FullName;
        try
        {
            var secret = RunningProxy.NewSecret();
            Directory.CreateDirectory(Path.Combine(project, "obj", "ptvsd"));
            await File.WriteAllTextAsync(Path.Combine(project, "obj", "ptvsd", "attach.json"), $$"""{"attachUri": "ws://{{secret}}@127.0.0.1:{{site.Port}}/ptvsd"}""");

            var run = await ProbeAsync("--project", project, "--instance", "inst-3");

            Assert.Equal(1, run.ExitCode);
            Assert.Equal($"Probing ws://***@127.0.0.1:{site.Port}/ptvsd", run.OutputLines[0]);
            Assert.NotEmpty(site.Heads);
            Assert.All(site.Heads, head => Assert.Contains("\r\nCookie: ARRAffinity=inst-3; ARRAffinitySameSite=inst-3\r\n", head));
            Assert.DoesNotContain(secret, run.Output + run.Errors);
        }
        finally
        {
            Directory.Delete(project, recursive: true);
        }
    }

    private async Task<ToolRun> ProbeAsync(params string[] args)
    {
        var run = await ToolRun.RunAsync(["probe", .. args]);
        output.WriteLine(run.Output);
        output.WriteLine(run.Errors);
        return run;
    }
}
