using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Ptvsd.Testing;

namespace Ptvsd.WebSocketProxy.Tests;

/// <summary>Real debugpy inside the real FlaskHello sample, started by the proxy with the bootstrap.</summary>
[Trait(TestCategories.Category, TestCategories.Slow)]
public sealed class DebugpyThroughProxyTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Five_empty_WebSockets_leave_debugpy_healthy_for_a_real_attach()
    {
        var ct = TestTimeouts.Default(120);
        await using var proxy = await StartFlaskHelloAsync(ct);

        for (var i = 0; i < 5; i++)
        {
            using var empty = await proxy.ConnectAsync(ct);
            await empty.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, null, ct);
        }

        await BreakInHelloAsync(proxy, "Empty", ct);
    }

    [Fact]
    public async Task Twenty_clients_that_reset_right_after_their_first_bytes_leave_debugpy_healthy_for_a_real_attach()
    {
        var ct = TestTimeouts.Default(180);
        await using var proxy = await StartFlaskHelloAsync(ct);
        var initialize = DapFraming.Encode(new JsonObject
        {
            ["seq"] = 1, ["type"] = "request", ["command"] = "initialize", ["arguments"] = new JsonObject { ["adapterID"] = "reset" },
        });

        // A debugger whose network drops just after it spoke: the proxy has dialled debugpy with those bytes and must
        // not hang up on the adapter before it answers, which would leave it answering nobody ever again.
        for (var i = 0; i < 20; i++)
        {
            using var client = await RawWebSocket.ConnectAsync(proxy.BaseUri, proxy.BasicAuthorization, ct);
            await client.SendBinaryFrameAsync(initialize, ct);
            client.Reset();
        }

        await BreakInHelloAsync(proxy, "AfterResets", ct);
    }

    [Fact]
    public async Task After_the_app_is_killed_under_its_running_debugger_the_restarted_app_is_debuggable_and_nothing_of_the_old_one_remains()
    {
        var ct = TestTimeouts.Default(120);
        await using var proxy = await StartFlaskHelloAsync(ct);
        var firstPid = (int)(await proxy.GetStatusAsync(ct))["app"]!["pid"]!;
        var debugPort = proxy.Options.DebugServer.Port;
        var oldAdapter = Assert.Single(ProcessTree.FindByCommandLine(IsAdapterFor(debugPort)));

        // As the OOM killer ends an app: debugpy's adapter, a daemon of its own, would keep the debug port.
        Process.GetProcessById(firstPid).Kill();
        await Poll.UntilAsync(
            () => proxy.GetStatusAsync(ct).Result["app"] is { } app && (string?)app["state"] == "running" && (int?)app["pid"] is { } pid && pid != firstPid,
            TimeSpan.FromSeconds(30), ct, "the app restarted");
        await TcpListenerTable.WaitUntilListeningAsync(new IPEndPoint(IPAddress.Loopback, debugPort), TimeSpan.FromSeconds(30), ct);

        Assert.False(ProcessTree.IsRunning(oldAdapter), "the killed app's adapter must not outlive it");
        var newAdapter = Assert.Single(ProcessTree.FindByCommandLine(IsAdapterFor(debugPort)));
        Assert.NotEqual(oldAdapter.Pid, newAdapter.Pid);
        await BreakInHelloAsync(proxy, "Restarted", ct);
    }

    [Fact]
    public async Task A_restart_through_the_endpoint_gives_a_new_app_process_whose_debugger_attaches()
    {
        var ct = TestTimeouts.Default(120);
        await using var proxy = await StartFlaskHelloAsync(ct);
        var debugPort = proxy.Options.DebugServer.Port;
        var firstPid = (int)(await proxy.GetStatusAsync(ct))["app"]!["pid"]!;
        var oldAdapter = Assert.Single(ProcessTree.FindByCommandLine(IsAdapterFor(debugPort)));

        using var response = await RestartEndpointTests.PostRestartAsync(proxy, "Bearer " + proxy.Secret, ct);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(firstPid, (int)JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!["previousPid"]!);
        await Poll.UntilAsync(
            () => proxy.GetStatusAsync(ct).Result["app"] is { } app && (string?)app["state"] == "running" && (int?)app["pid"] is { } pid && pid != firstPid,
            TimeSpan.FromSeconds(30), ct, "the app restarted");
        await TcpListenerTable.WaitUntilListeningAsync(new IPEndPoint(IPAddress.Loopback, debugPort), TimeSpan.FromSeconds(30), ct);
        Assert.False(ProcessTree.IsRunning(oldAdapter), "the old start's adapter must be gone");
        var processId = await FlaskHelloSite.BreakInHelloAsync(async token => new DapClient(await proxy.ConnectAsync(token), output.WriteLine), proxy.BaseUri, "AfterRestart", ct);
        Assert.NotEqual(firstPid, processId);
        Assert.Contains(proxy.Logs.Lines, line => line.Contains("Restarting the app on request (restart 1)", StringComparison.Ordinal));
    }

    private static Func<string, bool> IsAdapterFor(int port) =>
        commandLine => commandLine.Contains("debugpy/adapter", StringComparison.Ordinal) && commandLine.Contains($"--port {port} ", StringComparison.Ordinal);

    [Fact]
    public async Task An_authenticated_status_request_leaves_debugpy_healthy_for_a_real_attach()
    {
        var ct = TestTimeouts.Default(120);
        await using var proxy = await StartFlaskHelloAsync(ct);
        using var http = new HttpClient { BaseAddress = proxy.BaseUri };
        http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", proxy.BasicAuthorization);

        var status = JsonNode.Parse(await http.GetStringAsync("ptvsd?format=json", ct))!;

        Assert.True((bool)status["debugServer"]!["reachable"]!);
        Assert.Equal("running", (string?)status["app"]!["state"]);
        Assert.False(string.IsNullOrEmpty((string?)status["versions"]!["debugpy"]));
        await BreakInHelloAsync(proxy, "Status", ct);
    }

    [Fact]
    public async Task A_second_client_gets_debugpys_own_refusal_and_the_first_can_detach_and_attach_again()
    {
        var ct = TestTimeouts.Default(120);
        await using var proxy = await StartFlaskHelloAsync(ct);
        var line = FlaskHelloSite.BreakpointLine(FlaskHelloSite.AppPath);

        await using (var first = new DebugSession(new DapClient(await proxy.ConnectAsync(ct), output.WriteLine)))
        {
            await first.AttachAsync([(FlaskHelloSite.AppPath, line)], ct);

            await using var second = new DebugSession(new DapClient(await proxy.ConnectAsync(ct), output.WriteLine));
            var refusal = await Assert.ThrowsAsync<DapRequestFailedException>(() => second.AttachAsync([], ct));
            Assert.Contains("already being debugged", refusal.Message);

            await first.DisconnectAsync(ct);
        }

        await BreakInHelloAsync(proxy, "Again", ct);
    }

    [Fact]
    public async Task End_to_end_a_published_site_run_by_the_proxy_process_stops_at_a_breakpoint_and_answers_after_continue()
    {
        var ct = TestTimeouts.Default(120);
        var python = PythonEnvironment.Require();
        var secret = RunningProxy.NewSecret();
        var site = FlaskHelloSite.Publish(secret);
        try
        {
            // Started the way a host starts it: from the site root, told its port, secret read from web.config.
            var start = ProxyTarget.StartInfo(Path.Combine(site, "ptvsd"), "--", python.Path, "app.py");
            start.WorkingDirectory = site;
            start.Output = output.WriteLine;
            await using var proxy = await RunningSite.StartAsync(start, ct);
            var visit = await BreakpointRoundTrip.RunAsync(proxy.BaseUri, secret, Path.Combine(site, "app.py"), "Published", output.WriteLine, ct);

            Assert.True(visit.HeldAtBreakpoint, "the request should be held at the breakpoint");
            Assert.Equal("'Hello, Published!'", visit.Greeting);
            Assert.Equal("Hello, Published!", visit.Response);
            Assert.DoesNotContain(secret, string.Join('\n', proxy.Process.Output));
        }
        finally
        {
            Directory.Delete(site, recursive: true);
        }
    }

    [Fact]
    public async Task The_bootstrap_gives_TCP_NODELAY_to_pydevd_and_to_debugpys_adapter_but_not_to_the_apps_own_sockets()
    {
        var ct = TestTimeouts.Default(120);
        var socketLog = Path.Combine(Directory.CreateTempSubdirectory("ptvsd-sockets-").FullName, "sockets.jsonl");
        try
        {
            await using var proxy = await FlaskHelloSite.StartProxyAsync(output, ct, new Dictionary<string, string> { ["PTVSD_BOOTSTRAP_SOCKETS"] = socketLog });
            string? requestSocketNoDelay = null;

            var appProcessId = await FlaskHelloSite.BreakInHelloAsync(
                async token => new DapClient(await proxy.ConnectAsync(token), output.WriteLine), proxy.BaseUri, "NoDelay", ct,
                async (session, threadId) => requestSocketNoDelay = await session.EvaluateInTopFrameAsync(
                    threadId, "request.environ['werkzeug.socket'].getsockopt(__import__('socket').IPPROTO_TCP, __import__('socket').TCP_NODELAY)", ct));

            // What the bootstrap found on each socket once it had set the option, read back inside its own process.
            var sockets = File.ReadAllLines(socketLog).Select(line => JsonNode.Parse(line)!).ToList();
            output.WriteLine(string.Join('\n', sockets.Select(s => s.ToJsonString())));
            Assert.All(sockets, s => Assert.NotEqual(0, (int)s["nodelay"]!));
            var pydevd = Assert.Single(sockets, s => (string?)s["role"] == "pydevd");
            Assert.Equal(appProcessId, (int)pydevd["pid"]!);
            var adapter = sockets.Where(s => ((string?)s["role"])!.StartsWith("adapter-", StringComparison.Ordinal)).ToList();
            // The adapter accepts pydevd's connection and the client's (through the proxy), and connects to the server's endpoint.
            Assert.True(adapter.Count(s => (string?)s["role"] == "adapter-accepted") >= 2, "the adapter's accepted sockets");
            Assert.Contains(adapter, s => (string?)s["role"] == "adapter-connected");
            Assert.All(adapter, s => Assert.NotEqual(appProcessId, (int)s["pid"]!));
            Assert.Single(adapter.Select(s => (int)s["pid"]!).Distinct());
            // The app's own socket, the one serving the request held at the breakpoint, is as the app left it.
            Assert.Equal("0", requestSocketNoDelay);
            Assert.DoesNotContain(sockets, s => (int)s["pid"]! == appProcessId && (string?)s["role"] != "pydevd");
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(socketLog)!, recursive: true);
        }
    }

    private Task<RunningProxy> StartFlaskHelloAsync(CancellationToken ct) => FlaskHelloSite.StartProxyAsync(output, ct);

    /// <summary>Attaches through the proxy, stops a request at the breakpoint, reads a local, continues, detaches.</summary>
    private Task BreakInHelloAsync(RunningProxy proxy, string name, CancellationToken ct) =>
        FlaskHelloSite.BreakInHelloAsync(async token => new DapClient(await proxy.ConnectAsync(token), output.WriteLine), proxy.BaseUri, name, ct);
}
