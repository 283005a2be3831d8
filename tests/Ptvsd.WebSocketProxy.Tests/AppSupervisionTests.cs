using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Ptvsd.Testing;
using Ptvsd.WebSocketProxy.App;

namespace Ptvsd.WebSocketProxy.Tests;

public sealed class AppSupervisionTests(ITestOutputHelper output)
{
    private static readonly string PlainApp = Path.Combine(AppContext.BaseDirectory, "apps", "plain_app.py");

    [Fact]
    [Trait(TestCategories.Category, TestCategories.Slow)]
    public async Task Starts_the_app_and_forwards_requests_with_forwarded_headers()
    {
        var ct = TestTimeouts.Default();
        await using var proxy = await StartWithPlainAppAsync();
        using var http = new HttpClient { BaseAddress = proxy.BaseUri };

        var reply = await GetWhenUpAsync(http, "/hello/w%C3%B6rld?q=1&q=2", ct);

        Assert.Equal("/hello/w%C3%B6rld?q=1&q=2", (string?)reply["path"]);
        var headers = reply["headers"]!;
        Assert.Equal("127.0.0.1", (string?)headers["x-forwarded-for"]);
        Assert.Equal("http", (string?)headers["x-forwarded-proto"]);
        Assert.Equal(proxy.BaseUri.Authority, (string?)headers["x-forwarded-host"]);
        Assert.Equal(proxy.BaseUri.Authority, (string?)headers["host"]);

        var env = reply["env"]!;
        Assert.Equal((string?)env["PORT"], (string?)env["HTTP_PLATFORM_PORT"]);
        Assert.NotEqual(proxy.BaseUri.Port.ToString(), (string?)env["PORT"]);
        Assert.Equal(proxy.Options.DebugServer.ToString(), (string?)env["WSGI_PTVSD_ADDRESS"]);
        Assert.StartsWith(proxy.Options.BootstrapPath, (string?)env["PYTHONPATH"]);
        Assert.Null((string?)env["WSGI_PTVSD_SECRET"]);
        Assert.Null((string?)env["GUNICORN_CMD_ARGS"]);
    }

    [Fact]
    [Trait(TestCategories.Category, TestCategories.Slow)]
    public async Task Streams_a_request_body_to_the_app_and_its_response_back()
    {
        var ct = TestTimeouts.Default();
        await using var proxy = await StartWithPlainAppAsync();
        using var http = new HttpClient { BaseAddress = proxy.BaseUri };
        await GetWhenUpAsync(http, "/", ct);

        var body = RandomNumberGenerator.GetBytes(8 * 1024 * 1024);
        using var content = new StreamContent(new MemoryStream(body), 16 * 1024);
        content.Headers.ContentLength = body.Length;
        using var response = await http.PostAsync("/upload", content, ct);
        var reply = await response.Content.ReadFromJsonAsync<JsonObject>(ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(body)).ToLowerInvariant(), (string?)reply!["sha256"]);
        Assert.Equal("plain", response.Headers.GetValues("X-App").Single());

        // The app writes three parts 300 ms apart; the first must arrive before the app has finished.
        using var streamed = await http.GetAsync("/stream", HttpCompletionOption.ResponseHeadersRead, ct);
        using var reader = new StreamReader(await streamed.Content.ReadAsStreamAsync(ct));
        var clock = Stopwatch.StartNew();
        Assert.Equal("part 0", await reader.ReadLineAsync(ct));
        var firstPart = clock.Elapsed;
        Assert.Equal("part 1", await reader.ReadLineAsync(ct));
        Assert.Equal("part 2", await reader.ReadLineAsync(ct));
        Assert.True(clock.Elapsed - firstPart > TimeSpan.FromMilliseconds(400), "later parts should arrive as the app writes them");
    }

    [Fact]
    [Trait(TestCategories.Category, TestCategories.Slow)]
    public async Task Answers_502_while_the_app_is_starting()
    {
        var ct = TestTimeouts.Default();
        await using var proxy = await StartWithPlainAppAsync(("PLAIN_APP_START_DELAY", "3"));
        using var http = new HttpClient { BaseAddress = proxy.BaseUri };

        using var early = await http.GetAsync("/", ct);

        Assert.Equal(HttpStatusCode.BadGateway, early.StatusCode);
        Assert.Contains("starting", await early.Content.ReadAsStringAsync(ct));
        await GetWhenUpAsync(http, "/", ct);
    }

    [Fact]
    [Trait(TestCategories.Category, TestCategories.Slow)]
    public async Task Restarts_the_app_after_it_is_killed_and_reports_it()
    {
        var ct = TestTimeouts.Default();
        await using var proxy = await StartWithPlainAppAsync();
        using var http = new HttpClient { BaseAddress = proxy.BaseUri };
        var firstPid = (int)(await GetWhenUpAsync(http, "/", ct))["pid"]!;

        Process.GetProcessById(firstPid).Kill();

        JsonNode reply;
        do
        {
            reply = await GetWhenUpAsync(http, "/", ct);
        }
        while ((int)reply["pid"]! == firstPid);

        var app = (await proxy.GetStatusAsync(ct))["app"]!;
        Assert.Equal(1, (int)app["restarts"]!);
        Assert.Contains("exited with code", (string?)app["lastExit"]);
        Assert.Contains(proxy.Logs.Lines, line => line.Contains("Restarting the app (restart 1, after 1 s)"));
    }

    [Fact]
    [Trait(TestCategories.Category, TestCategories.Slow)]
    public async Task A_killed_app_s_children_and_daemons_are_ended_before_it_is_started_again()
    {
        var ct = TestTimeouts.Default();
        await using var proxy = await StartWithPlainAppAsync();
        using var http = new HttpClient { BaseAddress = proxy.BaseUri };
        var first = await GetWhenUpAsync(http, "/", ct);
        var (appPid, grandchildPid, daemonPid) = ((int)first["pid"]!, (int)first["grandchild"]!, (int)first["daemon"]!);
        Assert.False(IsGone(daemonPid));
        Assert.DoesNotContain(ProcessTree.DescendantsOf(appPid), p => p.Pid == daemonPid);

        // As the OOM killer ends an app: its children are re-parented and keep running, the daemon in its own session.
        Process.GetProcessById(appPid).Kill();

        JsonNode second;
        do
        {
            second = await GetWhenUpAsync(http, "/", ct);
        }
        while ((int)second["pid"]! == appPid);

        Assert.True(IsGone(grandchildPid), "the killed app's child must not outlive it");
        Assert.True(IsGone(daemonPid), "the killed app's daemon must not outlive it");
        // The child, the daemon, and debugpy's adapter, which the bootstrap started in the app.
        var ended = Assert.Single(proxy.Logs.Lines, line => line.Contains($"The app (pid {appPid}) left "));
        Assert.Contains($"{grandchildPid}", ended);
        Assert.Contains($"{daemonPid}", ended);
        Assert.False(IsGone((int)second["daemon"]!), "the new start's own daemon runs");
    }

    [Fact]
    [Trait(TestCategories.Category, TestCategories.Slow)]
    public async Task Stopping_the_proxy_leaves_no_app_process_behind()
    {
        var ct = TestTimeouts.Default();
        await using var proxy = await StartWithPlainAppAsync();
        using var http = new HttpClient { BaseAddress = proxy.BaseUri };
        var reply = await GetWhenUpAsync(http, "/", ct);
        var appPid = (int)reply["pid"]!;
        var grandchildPid = (int)reply["grandchild"]!;
        var daemonPid = (int)reply["daemon"]!;
        Assert.NotNull(ProcessTree.TryRead(grandchildPid));

        // Stopped as a host stops it, before anything of the test's own could clean up after it. The daemon holds the
        // app's output pipes, which once kept the stop waiting for 10 s: the bound catches that hang, it is no benchmark.
        await proxy.StopAsync(ct).WaitAsync(TimeSpan.FromSeconds(8), ct);

        await RelayTests.WaitUntilAsync(() => IsGone(appPid) && IsGone(grandchildPid) && IsGone(daemonPid), TimeSpan.FromSeconds(10), ct);
        Assert.DoesNotContain(ProcessTree.DescendantsOf(Environment.ProcessId), p => p.Pid == appPid || p.Pid == grandchildPid);
        Assert.DoesNotContain(proxy.Logs.Lines, line => line.Contains("Restarting the app"));
    }

    [Fact]
    [Trait(TestCategories.Category, TestCategories.Slow)]
    public async Task A_proxy_killed_with_SIGKILL_takes_its_whole_app_tree_with_it()
    {
        var ct = TestTimeouts.Default();
        var python = PythonEnvironment.Require();
        var port = FreePort.Get();
        var debugPort = FreePort.Get();
        var start = ProxyTarget.StartInfo(
            null,
            "--urls", $"http://127.0.0.1:{port}",
            "--debug-server", $"127.0.0.1:{debugPort}",
            "--content-root", AppContext.BaseDirectory,
            "--", python.Path, PlainApp);
        start.Name = "proxy";
        start.Output = output.WriteLine;
        await using var proxy = await ManagedProcess.StartListeningAsync(start, new IPEndPoint(IPAddress.Loopback, port), TimeSpan.FromSeconds(30), ct);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        var reply = await GetWhenUpAsync(http, "/", ct);
        await TcpListenerTable.WaitUntilListeningAsync(new IPEndPoint(IPAddress.Loopback, debugPort), TimeSpan.FromSeconds(30), ct);
        var adapter = Assert.Single(ProcessTree.FindByCommandLine(c => c.Contains("debugpy/adapter", StringComparison.Ordinal) && c.Contains($"--port {debugPort} ", StringComparison.Ordinal)));
        int[] tree = [(int)reply["pid"]!, (int)reply["grandchild"]!, (int)reply["daemon"]!, adapter.Pid];
        Assert.All(tree, pid => Assert.False(IsGone(pid)));

        // No signal handler runs: whatever ends the tree must already be in place inside it.
        Process.GetProcessById(proxy.Id).Kill();

        await RelayTests.WaitUntilAsync(() => tree.All(IsGone), TimeSpan.FromSeconds(10), ct);
    }

    [Fact]
    [Trait(TestCategories.Category, TestCategories.Slow)]
    public async Task A_debug_port_another_process_holds_is_not_reported_as_the_apps_debugger()
    {
        var ct = TestTimeouts.Default();
        var python = PythonEnvironment.Require();
        using var squatter = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var debugPort = ((IPEndPoint)squatter.LocalEndpoint).Port;
        await using var proxy = await RunningProxy.StartAsync(output, options =>
        {
            options.AppCommand = [python.Path, PlainApp];
            options.DebugServer = AuthenticationTests.Loopback(debugPort);
        });
        using var http = new HttpClient { BaseAddress = proxy.BaseUri };
        await GetWhenUpAsync(http, "/", ct);

        JsonNode debugServer;
        while ((debugServer = (await proxy.GetStatusAsync(ct))["debugServer"]!)["bootstrapError"] is null)
        {
            await Task.Delay(50, ct);
        }

        Assert.Contains("in use", (string?)debugServer["bootstrapError"]);
        Assert.False((bool)debugServer["reachable"]!);
        Assert.True((bool)debugServer["heldByAnotherProcess"]!);
    }

    [Fact]
    public async Task Without_an_app_other_paths_get_404_with_a_hint()
    {
        await using var proxy = await RunningProxy.StartAsync(output);
        using var http = new HttpClient { BaseAddress = proxy.BaseUri };

        using var response = await http.GetAsync("/", TestTimeouts.Default());

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("serves only /ptvsd", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    [Trait(TestCategories.Category, TestCategories.Slow)]
    public async Task Forwards_to_an_app_that_is_already_running()
    {
        var ct = TestTimeouts.Default();
        var port = FreePort.Get();
        var python = PythonEnvironment.Require();
        var start = new ManagedProcessStartInfo(python.Path, PlainApp) { Output = output.WriteLine };
        start.Environment["PORT"] = port.ToString();
        await using var app = ManagedProcess.Start(start);
        await app.WaitUntilListeningAsync(new IPEndPoint(IPAddress.Loopback, port), TimeSpan.FromSeconds(20), ct);
        await using var proxy = await RunningProxy.StartAsync(output, options => options.AppUrl = new Uri($"http://127.0.0.1:{port}"));
        using var http = new HttpClient { BaseAddress = proxy.BaseUri };

        var reply = await GetWhenUpAsync(http, "/external", ct);

        // The app's child and daemon are this test's to end: no proxy supervises an app it did not start.
        foreach (var pid in new[] { (int)reply["grandchild"]!, (int)reply["daemon"]! })
        {
            Process.GetProcessById(pid).Kill();
        }

        Assert.Equal(app.Id, (int)reply["pid"]!);
    }

    [Fact]
    public async Task When_a_forwarded_app_is_down_the_client_gets_502_with_a_reason()
    {
        await using var proxy = await RunningProxy.StartAsync(output, options => options.AppUrl = new Uri($"http://127.0.0.1:{FreePort.Get()}"));
        using var http = new HttpClient { BaseAddress = proxy.BaseUri };

        using var response = await http.GetAsync("/", TestTimeouts.Default());

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("The app did not answer", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [Trait(ProxyTarget.Trait, ProxyTarget.NoProxy)]
    [InlineData(null, new[] { "gunicorn", "app:app" }, "--timeout 0")]
    [InlineData("--workers 2", new[] { "python3", "-m", "gunicorn", "app:app" }, "--workers 2 --timeout 0")]
    [InlineData("--timeout 120", new[] { "gunicorn", "app:app" }, "--timeout 120")]
    [InlineData(null, new[] { "gunicorn", "-t", "90", "app:app" }, "")]
    [InlineData(null, new[] { "gunicorn", "--timeout=90", "app:app" }, "")]
    public void Gunicorn_worker_timeout_is_lifted_unless_the_user_set_one(string? existing, string[] command, string expected)
    {
        Assert.Equal(expected, AppLaunch.LiftGunicornTimeout(existing, command));
    }

    private Task<RunningProxy> StartWithPlainAppAsync(params (string Name, string Value)[] environment)
    {
        var python = PythonEnvironment.Require();

        // Set for the app alone, through env(1): the test process's own environment, which later tests inherit, stays as it is.
        return RunningProxy.StartAsync(output, options =>
        {
            options.AppCommand = ["/usr/bin/env", .. environment.Select(variable => $"{variable.Name}={variable.Value}"), python.Path, PlainApp];
            options.DebugServer = AuthenticationTests.Loopback(FreePort.Get());
        });
    }

    private static async Task<JsonNode> GetWhenUpAsync(HttpClient http, string path, CancellationToken ct)
    {
        while (true)
        {
            using var response = await http.GetAsync(path, ct);
            if (response.StatusCode != HttpStatusCode.BadGateway)
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                return JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
            }

            await Task.Delay(100, ct);
        }
    }

    private static bool IsGone(int pid) => ProcessTree.TryRead(pid) is null or { IsZombie: true };
}
