using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Ptvsd.Testing;

namespace Ptvsd.WebSocketProxy.Tests;

public sealed class RelayTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Relays_64_MiB_each_way_at_once_without_losing_or_reordering_a_byte()
    {
        const int total = 64 * 1024 * 1024;
        var ct = TestTimeouts.Default(120);
        await using var debugServer = new TcpEchoServer();
        await using var proxy = await RunningProxy.StartAsync(output, options => options.DebugServer = AuthenticationTests.Loopback(debugServer.Port));
        using var client = await proxy.ConnectAsync(ct);

        var send = Task.Run(() => HashedTransfer.SendRandomAsync(
            total, (chunk, token) => client.SendAsync(chunk, WebSocketMessageType.Binary, true, token), ct), ct);
        var receive = Task.Run(() => HashedTransfer.ReceiveAsync(total, async (buffer, token) =>
        {
            var result = await client.ReceiveAsync(buffer, token);
            Assert.Equal(WebSocketMessageType.Binary, result.MessageType);
            return result.Count;
        }, ct), ct);

        var sentHash = await send;
        var (receivedHash, _) = await receive;

        Assert.Equal(Convert.ToHexString(sentHash), Convert.ToHexString(receivedHash));
        Assert.Equal(total, debugServer.BytesEchoed);
        Assert.Equal(1, debugServer.AcceptedCount);
    }

    [Fact]
    public async Task Relays_a_thousand_small_requests_in_order()
    {
        var ct = TestTimeouts.Default();
        await using var debugServer = new TcpEchoServer();
        await using var proxy = await RunningProxy.StartAsync(output, options => options.DebugServer = AuthenticationTests.Loopback(debugServer.Port));
        using var client = await proxy.ConnectAsync(ct);
        var buffer = new byte[1024];

        for (var i = 0; i < 1000; i++)
        {
            var message = Encoding.ASCII.GetBytes($"Content-Length: 2\r\n\r\n{i % 100:00}#{i}");
            await client.SendAsync(message, WebSocketMessageType.Binary, true, ct);
            var received = 0;
            while (received < message.Length)
            {
                var result = await client.ReceiveAsync(buffer.AsMemory(received), ct);
                received += result.Count;
            }

            Assert.Equal(Encoding.ASCII.GetString(message), Encoding.ASCII.GetString(buffer, 0, received));
        }
    }

    [Fact]
    public async Task WebSockets_that_close_without_sending_never_reach_the_debug_server()
    {
        var ct = TestTimeouts.Default();
        await using var debugServer = new CountingTcpListener();
        await using var proxy = await RunningProxy.StartAsync(output, options => options.DebugServer = AuthenticationTests.Loopback(debugServer.Port));

        for (var i = 0; i < 5; i++)
        {
            using var client = await proxy.ConnectAsync(ct);
            if (i % 2 == 0)
            {
                await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", ct);
            }
            else
            {
                client.Abort();
            }
        }

        await Task.Delay(300, ct);
        Assert.Equal(0, debugServer.AcceptedCount);
    }

    [Fact]
    public async Task When_the_debug_server_closes_the_client_gets_a_close_with_the_reason()
    {
        var ct = TestTimeouts.Default();
        await using var debugServer = new ReplyAndCloseTcpServer("last words"u8.ToArray());
        await using var proxy = await RunningProxy.StartAsync(output, options => options.DebugServer = AuthenticationTests.Loopback(debugServer.Port));
        using var client = await proxy.ConnectAsync(ct);

        await client.SendAsync("hello"u8.ToArray(), WebSocketMessageType.Binary, true, ct);
        var received = new StringBuilder();
        var buffer = new byte[64];
        WebSocketReceiveResult result;
        while ((result = await client.ReceiveAsync(buffer, ct)).MessageType != WebSocketMessageType.Close)
        {
            received.Append(Encoding.ASCII.GetString(buffer, 0, result.Count));
        }

        Assert.Equal("last words", received.ToString());
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.CloseStatus);
        Assert.Equal("debug server closed the connection", client.CloseStatusDescription);
    }

    [Fact]
    public async Task When_the_debug_server_is_down_the_close_reason_names_its_address()
    {
        var ct = TestTimeouts.Default();
        var port = FreePort.Get();
        await using var proxy = await RunningProxy.StartAsync(output, options => options.DebugServer = AuthenticationTests.Loopback(port));
        using var client = await proxy.ConnectAsync(ct);

        await client.SendAsync("Content-Length: 2\r\n\r\n{}"u8.ToArray(), WebSocketMessageType.Binary, true, ct);
        var result = await client.ReceiveAsync(new byte[64], ct);

        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal(WebSocketCloseStatus.InternalServerError, client.CloseStatus);
        Assert.Equal($"debug server not reachable at 127.0.0.1:{port}", client.CloseStatusDescription);
    }

    [Fact]
    public async Task When_the_client_closes_the_debug_server_gets_end_of_stream()
    {
        var ct = TestTimeouts.Default();
        await using var debugServer = new TcpEchoServer();
        await using var proxy = await RunningProxy.StartAsync(output, options => options.DebugServer = AuthenticationTests.Loopback(debugServer.Port));
        using var client = await proxy.ConnectAsync(ct);
        await client.SendAsync("x"u8.ToArray(), WebSocketMessageType.Binary, true, ct);
        await client.ReceiveAsync(new byte[8], ct);

        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", ct);

        await WaitUntilAsync(() => debugServer.OpenCount == 0, TimeSpan.FromSeconds(10), ct);
        Assert.Equal(WebSocketState.Closed, client.State);
    }

    [Fact]
    [Trait(ProxyTarget.Trait, ProxyTarget.AssemblyOnly)]
    public async Task A_debug_server_that_accepts_but_never_answers_is_reported_as_silent()
    {
        var ct = TestTimeouts.Default();
        await using var silent = new CountingTcpListener();
        await using var proxy = await RunningProxy.StartAsync(output, options =>
        {
            options.DebugServer = AuthenticationTests.Loopback(silent.Port);
            options.DebugServerAnswerTimeout = TimeSpan.FromMilliseconds(300);
        });
        Assert.Null((string?)(await proxy.GetStatusAsync(ct))["debugServer"]!["unansweredSince"]);

        using (var client = await proxy.ConnectAsync(ct))
        {
            await client.SendAsync("Content-Length: 2\r\n\r\n{}"u8.ToArray(), WebSocketMessageType.Binary, true, ct);
            await WaitUntilAsync(() => silent.BytesReceived > 0, TimeSpan.FromSeconds(10), ct);
            await Poll.UntilAsync(() => proxy.GetStatusAsync(ct).Result["debugServer"]!["unansweredSince"] is not null, TimeSpan.FromSeconds(10), ct, "the silence reported");
            Assert.Contains(proxy.Logs.Lines, line => line.Contains("the debug server has not answered the debugger in 0 s", StringComparison.Ordinal));
        }

        // The listener table alone calls it reachable: only the silence tells.
        Assert.True((bool)(await proxy.GetStatusAsync(ct))["debugServer"]!["reachable"]!);
    }

    [Fact]
    [Trait(ProxyTarget.Trait, ProxyTarget.AssemblyOnly)]
    public async Task A_debug_server_that_answers_is_never_reported_as_silent()
    {
        var ct = TestTimeouts.Default();
        await using var echo = new TcpEchoServer();
        await using var proxy = await RunningProxy.StartAsync(output, options =>
        {
            options.DebugServer = AuthenticationTests.Loopback(echo.Port);
            options.DebugServerAnswerTimeout = TimeSpan.FromMilliseconds(300);
        });
        using var client = await proxy.ConnectAsync(ct);
        await client.SendAsync("x"u8.ToArray(), WebSocketMessageType.Binary, true, ct);
        await client.ReceiveAsync(new byte[8], ct);

        await Task.Delay(600, ct);

        Assert.Null((string?)(await proxy.GetStatusAsync(ct))["debugServer"]!["unansweredSince"]);
    }

    [Fact]
    public async Task A_client_that_vanishes_without_a_close_loses_its_debug_server_connection_within_the_keep_alive_timeout()
    {
        var ct = TestTimeouts.Default();
        await using var debugServer = new TcpEchoServer();
        await using var proxy = await RunningProxy.StartAsync(output, options =>
        {
            options.DebugServer = AuthenticationTests.Loopback(debugServer.Port);
            // What --keep-alive 1 sets: the shortest a user can choose.
            options.KeepAliveInterval = TimeSpan.FromSeconds(1);
            options.KeepAliveTimeout = TimeSpan.FromSeconds(3);
        });

        // A client that completes the handshake, sends one frame and then goes silent: it never answers the
        // proxy's pings and never closes, like a laptop whose lid was shut.
        using var silent = await RawWebSocket.ConnectAsync(proxy.BaseUri, proxy.BasicAuthorization, ct);
        await silent.SendBinaryFrameAsync("Content-Length: 2\r\n\r\n{}"u8.ToArray(), ct);
        await debugServer.WaitForAcceptedAsync(1, TimeSpan.FromSeconds(10), ct);

        var vanished = System.Diagnostics.Stopwatch.StartNew();
        await WaitUntilAsync(() => debugServer.OpenCount == 0, TimeSpan.FromSeconds(10), ct);
        output.WriteLine($"debug-server connection closed {vanished.ElapsedMilliseconds} ms after the client went silent");
        await WaitUntilAsync(() => proxy.Logs.Lines.Any(line => line.Contains("client connection lost")), TimeSpan.FromSeconds(5), ct);
    }

    internal static Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, CancellationToken ct) => Poll.UntilAsync(condition, timeout, ct);
}
