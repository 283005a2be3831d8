using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Ptvsd.Testing;
using Ptvsd.WebSocketProxy.Tests;

namespace Ptvsd.Attach.Tests;

/// <summary><c>ptvsd attach</c> (its own process) + the proxy + a fake debug server: what the bridge does to bytes and connections.</summary>
public sealed class BridgeRelayTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Prints_the_endpoint_then_a_vs_code_launch_configuration_and_the_visual_studio_steps()
    {
        var ct = TestTimeouts.Default();
        await using var proxy = await RunningProxy.StartAsync(output);
        await using var attach = await AttachProcess.StartAsync(proxy, output, ct, "--remote-root", "/srv/my app");

        var lines = attach.Output;
        Assert.Equal($"ptvsd attach is listening on 127.0.0.1:{attach.EndPoint.Port} and relays each debugger session to ws://***@{proxy.BaseUri.Authority}/ptvsd", lines[0]);
        var start = lines.ToList().IndexOf("{");
        var end = lines.ToList().IndexOf("}");
        var configuration = JsonNode.Parse(string.Join('\n', lines.Skip(start).Take(end - start + 1)))!;
        Assert.Equal("debugpy", (string?)configuration["type"]);
        Assert.Equal("attach", (string?)configuration["request"]);
        Assert.Equal("127.0.0.1", (string?)configuration["connect"]!["host"]);
        Assert.Equal(attach.EndPoint.Port, (int?)configuration["connect"]!["port"]);
        Assert.Equal("${workspaceFolder}", (string?)configuration["pathMappings"]![0]!["localRoot"]);
        Assert.Equal("/srv/my app", (string?)configuration["pathMappings"]![0]!["remoteRoot"]);
        Assert.Contains(lines, line => line.StartsWith("Visual Studio: Debug > Attach to Process", StringComparison.Ordinal)
            && line.Contains($"Python remote (debugpy)", StringComparison.Ordinal)
            && line.Contains($"tcp://127.0.0.1:{attach.EndPoint.Port}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_default_path_mapping_is_app_service_linuxs_site_root()
    {
        var ct = TestTimeouts.Default();
        await using var proxy = await RunningProxy.StartAsync(output);
        await using var attach = await AttachProcess.StartAsync(proxy, output, ct);

        Assert.Contains(attach.Output, line => line.Trim() == "\"remoteRoot\": \"/home/site/wwwroot\"");
    }

    [Fact]
    public async Task Relays_64_MiB_each_way_at_once_without_losing_or_reordering_a_byte()
    {
        const int total = 64 * 1024 * 1024;
        var ct = TestTimeouts.Default(180);
        await using var debugServer = new TcpEchoServer();
        await using var proxy = await RunningProxy.StartAsync(output, options => options.DebugServer = RunningProxy.Loopback(debugServer.Port));
        await using var attach = await AttachProcess.StartAsync(proxy, output, ct);
        using var client = await ConnectAsync(attach, ct);

        var send = Task.Run(async () =>
        {
            var hash = await HashedTransfer.SendRandomAsync(total, async (chunk, token) => await client.SendAsync(chunk, token), ct);
            client.Shutdown(SocketShutdown.Send);
            return hash;
        }, ct);
        var receive = Task.Run(() => HashedTransfer.ReceiveAsync(long.MaxValue, (buffer, token) => client.ReceiveAsync(buffer, token), ct), ct);

        var sentHash = await send;
        var (receivedHash, receivedBytes) = await receive;

        Assert.Equal(total, receivedBytes);
        Assert.Equal(Convert.ToHexString(sentHash), Convert.ToHexString(receivedHash));
        Assert.Equal(total, debugServer.BytesEchoed);
        Assert.Equal(1, debugServer.AcceptedCount);
        await attach.WaitForLineAsync("session 1 closed: the debugger disconnected; 64.0 MiB to the site, 64.0 MiB back", ct);
    }

    [Fact]
    public async Task A_thousand_connect_disconnect_cycles_leak_no_socket_in_either_process()
    {
        const int cycles = 1000;
        var ct = TestTimeouts.Default(300);
        await using var debugServer = new TcpEchoServer();
        await using var proxy = await ProxyProcess.StartAsync(debugServer.Port, ct);
        await using var attach = await AttachProcess.StartAsync(proxy.AttachUri, proxy.Secret, output: null, ct);

        // One session first, so each process has made whatever sockets it keeps for good (pools, runtime) before counting.
        await EchoOnceAsync(attach, ct);
        await attach.WaitForLineAsync("session 1 closed", ct);
        await proxy.Process.WaitForOutputAsync(line => line.Contains(" ended: ", StringComparison.Ordinal), TimeSpan.FromSeconds(10), ct);
        await WaitUntilAsync(() => debugServer.OpenCount == 0, ct);
        var attachBaseline = ProcessSockets.Count(attach.Process.Id);
        var proxyBaseline = ProcessSockets.Count(proxy.Process.Id);
        output.WriteLine($"sockets before: attach {attachBaseline}, proxy {proxyBaseline}");

        var started = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < cycles; i++)
        {
            switch (i % 10)
            {
                case 0:
                    // Connect and close without sending: no WebSocket at all.
                    using (await ConnectAsync(attach, ct))
                    {
                    }

                    break;
                case 1:
                    // Send, then vanish with a reset: the session must still be torn down on both sides.
                    using (var vanishing = await ConnectAsync(attach, ct))
                    {
                        await vanishing.SendAsync("Content-Length: 2\r\n\r\n{}"u8.ToArray(), ct);
                        vanishing.LingerState = new LingerOption(true, 0);
                    }

                    break;
                default:
                    await EchoOnceAsync(attach, ct);
                    break;
            }
        }

        output.WriteLine($"{cycles} cycles in {started.Elapsed.TotalSeconds:0.0} s");
        await WaitUntilAsync(() => debugServer.OpenCount == 0, ct);
        await Poll.UntilAsync(() => ProcessSockets.Count(attach.Process.Id) <= attachBaseline, TimeSpan.FromSeconds(30), ct, "ptvsd attach back to its sockets before the cycles");
        await Poll.UntilAsync(() => ProcessSockets.Count(proxy.Process.Id) <= proxyBaseline, TimeSpan.FromSeconds(30), ct, "The proxy back to its sockets before the cycles");
        var (attachAfter, proxyAfter) = (ProcessSockets.Count(attach.Process.Id), ProcessSockets.Count(proxy.Process.Id));
        output.WriteLine($"sockets after: attach {attachAfter}, proxy {proxyAfter}; debug server accepted {debugServer.AcceptedCount}");

        Assert.InRange(attachAfter, 1, attachBaseline);
        Assert.InRange(proxyAfter, 1, proxyBaseline);

        // Every cycle that sent and waited for its echo reached the debug server, and no empty one did (a reset one may
        // be dropped before its bytes are read).
        Assert.InRange(debugServer.AcceptedCount, 1 + (cycles * 8 / 10), 1 + (cycles * 9 / 10));
        Assert.Equal(cycles / 10, attach.Output.Count(line => line.Contains("closed without sending anything", StringComparison.Ordinal)));
        Assert.DoesNotContain(attach.Process.ErrorOutput, line => line.Contains("failed unexpectedly", StringComparison.Ordinal));
        Assert.DoesNotContain(proxy.Secret, string.Join('\n', proxy.Process.Output));
    }

    [Fact]
    public async Task Debuggers_that_connect_and_drop_without_sending_never_open_a_websocket()
    {
        var ct = TestTimeouts.Default();
        await using var debugServer = new CountingTcpListener();
        await using var proxy = await RunningProxy.StartAsync(output, options => options.DebugServer = RunningProxy.Loopback(debugServer.Port));
        await using var attach = await AttachProcess.StartAsync(proxy, output, ct);

        for (var i = 0; i < 5; i++)
        {
            using var client = await ConnectAsync(attach, ct);
            if (i % 2 == 1)
            {
                client.LingerState = new LingerOption(true, 0);
            }
        }

        await WaitUntilAsync(() => attach.Output.Count(line => line.Contains("closed without sending anything", StringComparison.Ordinal)) == 5, ct);
        await Task.Delay(200, ct);
        Assert.DoesNotContain(proxy.Logs.Lines, line => line.Contains("SessionAccepted", StringComparison.Ordinal));
        Assert.Equal(0, debugServer.AcceptedCount);
    }

    [Fact]
    public async Task When_the_debug_server_closes_the_debugger_gets_its_last_bytes_then_end_of_stream()
    {
        var ct = TestTimeouts.Default();
        await using var debugServer = new ReplyAndCloseTcpServer("last words"u8.ToArray());
        await using var proxy = await RunningProxy.StartAsync(output, options => options.DebugServer = RunningProxy.Loopback(debugServer.Port));
        await using var attach = await AttachProcess.StartAsync(proxy, output, ct);
        using var client = await ConnectAsync(attach, ct);

        await client.SendAsync("hello"u8.ToArray(), ct);

        Assert.Equal("last words", await ReadToEndAsync(client, ct));
        await attach.WaitForLineAsync("session 1 closed: the site closed the session: debug server closed the connection", ct);
    }

    [Fact]
    public async Task When_the_debugger_closes_the_debug_server_gets_end_of_stream_and_the_proxy_a_clean_close()
    {
        var ct = TestTimeouts.Default();
        await using var debugServer = new TcpEchoServer();
        await using var proxy = await RunningProxy.StartAsync(output, options => options.DebugServer = RunningProxy.Loopback(debugServer.Port));
        await using var attach = await AttachProcess.StartAsync(proxy, output, ct);
        using var client = await ConnectAsync(attach, ct);

        await client.SendAsync("echo me"u8.ToArray(), ct);
        client.Shutdown(SocketShutdown.Send);

        Assert.Equal("echo me", await ReadToEndAsync(client, ct));
        await WaitUntilAsync(() => debugServer.OpenCount == 0, ct);
        await attach.WaitForLineAsync("session 1 closed: the debugger disconnected; 7 B to the site, 7 B back", ct);
        await WaitUntilAsync(() => proxy.Logs.Lines.Any(line => line.Contains("ended: client closed the session", StringComparison.Ordinal)), ct);
    }

    [Fact]
    public async Task Ctrl_c_closes_open_sessions_cleanly_and_exits_0()
    {
        var ct = TestTimeouts.Default();
        await using var debugServer = new TcpEchoServer();
        await using var proxy = await RunningProxy.StartAsync(output, options => options.DebugServer = RunningProxy.Loopback(debugServer.Port));
        await using var attach = await AttachProcess.StartAsync(proxy, output, ct);
        using var client = await ConnectAsync(attach, ct);
        await client.SendAsync("x"u8.ToArray(), ct);
        await client.ReceiveAsync(new byte[1], ct);

        Assert.Equal(0, await attach.Process.InterruptAsync(TimeSpan.FromSeconds(30), ct));

        Assert.Contains(attach.Output, line => line.Contains("session 1 closed: ptvsd attach stopped", StringComparison.Ordinal));
        Assert.Contains(attach.Output, line => line.EndsWith(" stopped", StringComparison.Ordinal));
        Assert.Equal("", await ReadToEndAsync(client, ct));
        await WaitUntilAsync(() => proxy.Logs.Lines.Any(line => line.Contains("ended: client closed the session", StringComparison.Ordinal)), ct);
        await WaitUntilAsync(() => debugServer.OpenCount == 0, ct);
    }

    [Fact]
    public async Task A_refused_session_closes_the_debuggers_connection_and_says_why_on_one_line_without_either_secret()
    {
        var ct = TestTimeouts.Default();
        await using var debugServer = new CountingTcpListener();
        await using var proxy = await RunningProxy.StartAsync(output, options => options.DebugServer = RunningProxy.Loopback(debugServer.Port));
        var staleSecret = RunningProxy.NewSecret();
        await using var attach = await AttachProcess.StartAsync($"ws://{staleSecret}@{proxy.BaseUri.Authority}/ptvsd", staleSecret, output, ct);
        using var client = await ConnectAsync(attach, ct);

        await client.SendAsync("Content-Length: 2\r\n\r\n{}"u8.ToArray(), ct);

        Assert.Equal("", await ReadToEndAsync(client, ct));
        var line = await attach.WaitForLineAsync("session 1 could not open", ct);
        Assert.Contains("the proxy did not accept the secret (HTTP 401). Likely cause: a stale secret", line);
        Assert.Contains(line, attach.Process.ErrorOutput);
        Assert.DoesNotContain(proxy.Secret!, string.Join('\n', attach.Output));
        Assert.Equal(0, debugServer.AcceptedCount);
    }

    [Fact]
    public async Task A_session_beyond_the_proxys_cap_is_refused_naming_the_cap_and_its_settings()
    {
        var ct = TestTimeouts.Default();
        await using var debugServer = new CountingTcpListener();
        await using var proxy = await RunningProxy.StartAsync(output, options =>
        {
            options.DebugServer = RunningProxy.Loopback(debugServer.Port);
            options.MaxSessions = 1;
        });
        await using var attach = await AttachProcess.StartAsync($"ws://{proxy.Secret}@{proxy.BaseUri.Authority}/ptvsd", proxy.Secret!, output, ct);
        using var first = await ConnectAsync(attach, ct);
        await first.SendAsync("Content-Length: 2\r\n\r\n{}"u8.ToArray(), ct);
        await WaitUntilAsync(() => debugServer.AcceptedCount == 1, ct);

        using var second = await ConnectAsync(attach, ct);
        await second.SendAsync("Content-Length: 2\r\n\r\n{}"u8.ToArray(), ct);

        Assert.Equal("", await ReadToEndAsync(second, ct));
        var line = await attach.WaitForLineAsync("session 2 could not open", ct);
        Assert.Contains("every debug session the proxy allows is in use (HTTP 503)", line);
        Assert.Contains("each gunicorn worker and its master is a session of its own", line);
        Assert.Contains("PTVSD_MAX_SESSIONS app setting (or the project's PtvsdMaxDebugSessions", line);
        Assert.Equal(1, debugServer.AcceptedCount);
    }

    [Fact]
    public async Task Instance_pins_the_affinity_cookie_and_the_secret_travels_only_as_a_bearer_token()
    {
        var ct = TestTimeouts.Default();
        await using var site = new RequestRecorder();
        const string secret = "zq4m7xk2tw9pv3rb8ndc";
        await using var attach = await AttachProcess.StartAsync($"ws://{secret}@127.0.0.1:{site.Port}/ptvsd", secret, output, ct, "--instance", "inst-42");
        using var client = await ConnectAsync(attach, ct);

        await client.SendAsync("x"u8.ToArray(), ct);
        await attach.WaitForLineAsync("session 1 could not open", ct);

        var head = Assert.Single(site.Heads);
        output.WriteLine(head);
        var headers = head.Split("\r\n");
        Assert.StartsWith("GET /ptvsd HTTP/1.1", headers[0]);
        Assert.Contains("Cookie: ARRAffinity=inst-42; ARRAffinitySameSite=inst-42", headers);
        Assert.Contains("Authorization: Bearer " + secret, headers);
        Assert.Contains(headers, h => h.Equals("Upgrade: websocket", StringComparison.OrdinalIgnoreCase));
        Assert.Single(headers, h => h.Contains(secret, StringComparison.Ordinal));
        Assert.DoesNotContain(headers, h => h.StartsWith("Authorization: Basic", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_wss_session_to_a_site_with_an_untrusted_certificate_is_refused_unless_insecure_is_given()
    {
        var ct = TestTimeouts.Default();
        using var certificate = KestrelSite.SelfSignedCertificate();
        await using var site = await KestrelSite.StartAsync(context =>
        {
            context.Response.StatusCode = 404;
            return Task.CompletedTask;
        }, certificate);
        var secret = RunningProxy.NewSecret();
        await using var trusting = await AttachProcess.StartAsync($"wss://{secret}@{site.Authority}/ptvsd", secret, output, ct);
        await using var insecure = await AttachProcess.StartAsync($"wss://{secret}@{site.Authority}/ptvsd", secret, output, ct, "--insecure");

        foreach (var attach in new[] { trusting, insecure })
        {
            using var client = await ConnectAsync(attach, ct);
            await client.SendAsync("x"u8.ToArray(), ct);
            Assert.Equal("", await ReadToEndAsync(client, ct));
        }

        Assert.Contains($"session 1 could not open: the TLS handshake with {site.Authority} failed", await trusting.WaitForLineAsync("session 1 could not open", ct));
        Assert.Contains("session 1 could not open: HTTP 404 instead of the debug proxy at /ptvsd", await insecure.WaitForLineAsync("session 1 could not open", ct));
    }

    internal static async Task<Socket> ConnectAsync(AttachProcess attach, CancellationToken ct)
    {
        var socket = new Socket(attach.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(attach.EndPoint, ct);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    internal static Task WaitUntilAsync(Func<bool> condition, CancellationToken ct) => Poll.UntilAsync(condition, TimeSpan.FromSeconds(20), ct);

    private static async Task EchoOnceAsync(AttachProcess attach, CancellationToken ct)
    {
        using var client = await ConnectAsync(attach, ct);
        var message = "Content-Length: 2\r\n\r\n{}"u8.ToArray();
        await client.SendAsync(message, ct);
        var echo = new byte[message.Length];
        for (var received = 0; received < echo.Length;)
        {
            var read = await client.ReceiveAsync(echo.AsMemory(received), ct);
            Assert.NotEqual(0, read);
            received += read;
        }

        Assert.Equal(message, echo);
    }

    private static async Task<string> ReadToEndAsync(Socket socket, CancellationToken ct)
    {
        var text = new StringBuilder();
        var buffer = new byte[1024];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, ct)) > 0)
        {
            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return text.ToString();
    }
}
