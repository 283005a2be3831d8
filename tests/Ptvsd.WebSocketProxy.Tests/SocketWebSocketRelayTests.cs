using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using Ptvsd.Relay;
using Ptvsd.Testing;

namespace Ptvsd.WebSocketProxy.Tests;

/// <summary>
/// The relay the proxy and ptvsd attach share, on its own: a TCP peer and a WebSocket peer on real loopback sockets,
/// no Kestrel, no proxy. Each ending is one test, with what each peer sees and the outcome the relay returns.
/// </summary>
[Trait(ProxyTarget.Trait, ProxyTarget.NoProxy)]
public sealed class SocketWebSocketRelayTests
{
    private static readonly RelayOptions Options = new()
    {
        CloseFor = outcome => new RelayClose(
            outcome.Ending == RelayEnding.SocketLost ? WebSocketCloseStatus.InternalServerError : WebSocketCloseStatus.NormalClosure, $"ended: {outcome.Ending}"),
    };

    [Fact]
    public async Task Sixteen_MiB_each_way_at_once_arrive_whole_and_are_counted()
    {
        var ct = TestTimeouts.Default();
        await using var rig = await RelayRig.CreateAsync(ct);
        var relay = rig.Run(Options, ct);
        const int Size = 16 * 1024 * 1024;

        var sentToWebSocket = Task.Run(() => HashedTransfer.SendRandomAsync(
            Size, async (chunk, token) => await rig.Peer.SendAsync(chunk, SocketFlags.None, token), ct), ct);
        var sentToSocket = Task.Run(() => HashedTransfer.SendRandomAsync(
            Size, (chunk, token) => rig.WebSocketPeer.SendAsync(chunk, WebSocketMessageType.Binary, true, token), ct), ct);
        var receivedBySocketPeer = Task.Run(() => HashedTransfer.ReceiveAsync(Size, (buffer, token) => rig.Peer.ReceiveAsync(buffer, SocketFlags.None, token), ct), ct);
        var receivedByWebSocketPeer = Task.Run(() => HashedTransfer.ReceiveAsync(Size, async (buffer, token) =>
        {
            var result = await rig.WebSocketPeer.ReceiveAsync(buffer, token);
            Assert.Equal(WebSocketMessageType.Binary, result.MessageType);
            return result.Count;
        }, ct), ct);

        var (bySocketPeer, bySocketPeerCount) = await receivedBySocketPeer;
        var (byWebSocketPeer, byWebSocketPeerCount) = await receivedByWebSocketPeer;
        Assert.Equal(Size, bySocketPeerCount);
        Assert.Equal(Size, byWebSocketPeerCount);
        Assert.Equal(await sentToSocket, bySocketPeer);
        Assert.Equal(await sentToWebSocket, byWebSocketPeer);
        rig.Peer.Shutdown(SocketShutdown.Send);
        await AnswerCloseAsync(rig.WebSocketPeer, ct);
        var outcome = await relay;
        Assert.Equal(RelayEnding.SocketClosed, outcome.Ending);
        Assert.Equal((long)Size, outcome.BytesToSocket);
        Assert.Equal((long)Size, outcome.BytesToWebSocket);
        Assert.Equal(0, outcome.BytesDropped);
    }

    [Fact]
    public async Task A_WebSocket_peer_that_does_not_read_stops_the_relay_reading_its_TCP_peer_and_nothing_is_lost()
    {
        var ct = TestTimeouts.Default();
        await using var rig = await RelayRig.CreateAsync(ct, socketBufferSize: 64 * 1024);
        var relay = rig.Run(Options, ct);
        const int Offered = 32 * 1024 * 1024;
        var payload = RandomNumberGenerator.GetBytes(Offered);

        // The TCP peer writes as fast as it may while nobody reads the WebSocket: what it gets rid of is bounded by
        // the buffers on the way, because the relay reads no more than the WebSocket has taken.
        var sent = 0;
        var sending = Task.Run(async () =>
        {
            while (sent < Offered)
            {
                sent += await rig.Peer.SendAsync(payload.AsMemory(sent, Math.Min(16 * 1024, Offered - sent)), SocketFlags.None, ct);
            }
        }, ct);
        await Poll.UntilAsync(() => Volatile.Read(ref sent) > 0, TimeSpan.FromSeconds(10), ct, "the peer's first write");
        int stalledAt;
        do
        {
            stalledAt = Volatile.Read(ref sent);
            await Task.Delay(500, ct);
        }
        while (Volatile.Read(ref sent) != stalledAt);

        Assert.InRange(stalledAt, 1, 16 * 1024 * 1024);
        var received = await ReceiveExactlyAsync(rig.WebSocketPeer, Offered, ct);
        await sending;
        Assert.Equal(SHA256.HashData(payload), SHA256.HashData(received));
        rig.Peer.Shutdown(SocketShutdown.Send);
        await AnswerCloseAsync(rig.WebSocketPeer, ct);
        Assert.Equal(Offered, (await relay).BytesToWebSocket);
    }

    [Fact]
    public async Task The_TCP_peer_closing_first_closes_the_WebSocket_with_the_callers_reason()
    {
        var ct = TestTimeouts.Default();
        await using var rig = await RelayRig.CreateAsync(ct);
        var relay = rig.Run(Options, ct);
        await rig.Peer.SendAsync("last words"u8.ToArray(), SocketFlags.None, ct);

        rig.Peer.Shutdown(SocketShutdown.Send);

        Assert.Equal("last words", System.Text.Encoding.ASCII.GetString(await ReceiveExactlyAsync(rig.WebSocketPeer, 10, ct)));
        await AnswerCloseAsync(rig.WebSocketPeer, ct);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, rig.WebSocketPeer.CloseStatus);
        Assert.Equal("ended: SocketClosed", rig.WebSocketPeer.CloseStatusDescription);
        var outcome = await relay;
        Assert.Equal(RelayEnding.SocketClosed, outcome.Ending);
        Assert.True(outcome.SocketEndedFirst);
        Assert.Equal(10, outcome.BytesToWebSocket);
    }

    [Fact]
    public async Task A_reset_TCP_peer_is_a_lost_socket_with_its_error()
    {
        var ct = TestTimeouts.Default();
        await using var rig = await RelayRig.CreateAsync(ct);
        var relay = rig.Run(Options, ct);

        rig.Peer.Reset();

        await rig.WebSocketPeer.ReceiveAsync(new byte[16], ct);
        Assert.Equal(WebSocketCloseStatus.InternalServerError, rig.WebSocketPeer.CloseStatus);
        await rig.WebSocketPeer.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, ct);
        var outcome = await relay;
        Assert.Equal(RelayEnding.SocketLost, outcome.Ending);
        Assert.Equal(nameof(SocketError.ConnectionReset), outcome.Problem);
    }

    [Fact]
    public async Task The_WebSocket_peer_closing_first_gives_the_TCP_peer_EOF_passes_on_its_last_bytes_then_answers_the_close()
    {
        var ct = TestTimeouts.Default();
        await using var rig = await RelayRig.CreateAsync(ct);
        var relay = rig.Run(Options, ct);
        await rig.WebSocketPeer.SendAsync("request"u8.ToArray(), WebSocketMessageType.Binary, true, ct);
        await ReceiveExactlyAsync(rig.Peer, 7, ct);
        await rig.Peer.SendAsync("greeting"u8.ToArray(), SocketFlags.None, ct);
        await ReceiveExactlyAsync(rig.WebSocketPeer, 8, ct);

        await rig.WebSocketPeer.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", ct);

        Assert.Equal(0, await rig.Peer.ReceiveAsync(new byte[16], SocketFlags.None, ct));
        await rig.Peer.SendAsync("goodbye"u8.ToArray(), SocketFlags.None, ct);
        rig.Peer.Shutdown(SocketShutdown.Send);
        Assert.Equal("goodbye", System.Text.Encoding.ASCII.GetString(await ReceiveExactlyAsync(rig.WebSocketPeer, 7, ct)));
        var close = await rig.WebSocketPeer.ReceiveAsync(new byte[16], ct);
        Assert.Equal(WebSocketMessageType.Close, close.MessageType);
        Assert.Equal("ended: WebSocketClosed", rig.WebSocketPeer.CloseStatusDescription);
        var outcome = await relay;
        Assert.Equal(RelayEnding.WebSocketClosed, outcome.Ending);
        Assert.Equal("bye", outcome.WebSocketCloseDescription);
        Assert.Equal(15, outcome.BytesToWebSocket);
        Assert.Equal(7, outcome.BytesToSocket);
    }

    [Fact]
    public async Task A_lost_WebSocket_gives_the_TCP_peer_EOF_never_a_reset_and_what_it_still_sends_is_dropped()
    {
        var ct = TestTimeouts.Default();
        await using var rig = await RelayRig.CreateAsync(ct);
        var relay = rig.Run(Options, ct);
        await rig.Peer.SendAsync("greeting"u8.ToArray(), SocketFlags.None, ct);
        await ReceiveExactlyAsync(rig.WebSocketPeer, 8, ct);

        rig.AbortWebSocketPeer();

        // A reset here is what breaks debugpy's adapter: the peer must see an orderly end, however it answers it.
        Assert.Equal(0, await rig.Peer.ReceiveAsync(new byte[16], SocketFlags.None, ct));
        await rig.Peer.SendAsync("after"u8.ToArray(), SocketFlags.None, ct);
        rig.Peer.Shutdown(SocketShutdown.Send);
        var outcome = await relay;
        Assert.Equal(RelayEnding.WebSocketLost, outcome.Ending);
        Assert.Equal(5, outcome.BytesDropped);
    }

    [Fact]
    public async Task The_TCP_peer_gets_no_EOF_before_it_has_greeted_the_connection()
    {
        var ct = TestTimeouts.Default();
        await using var rig = await RelayRig.CreateAsync(ct);
        var relay = rig.Run(new RelayOptions { CloseFor = Options.CloseFor, SocketGreetingTime = TimeSpan.FromMilliseconds(100) }, ct);
        await rig.WebSocketPeer.SendAsync("request"u8.ToArray(), WebSocketMessageType.Binary, true, ct);
        await ReceiveExactlyAsync(rig.Peer, 7, ct);

        // The client leaves before the server has written anything, as a debugger that drops right after its first bytes.
        rig.AbortWebSocketPeer();
        await Task.Delay(300, ct);

        Assert.False(rig.Peer.Poll(0, SelectMode.SelectRead), "no EOF (nor anything else) before the peer has spoken");
        await rig.Peer.SendAsync("greeting, part 1"u8.ToArray(), SocketFlags.None, ct);
        await rig.Peer.SendAsync("greeting, part 2"u8.ToArray(), SocketFlags.None, ct);
        Assert.Equal(0, await rig.Peer.ReceiveAsync(new byte[16], SocketFlags.None, ct));
        rig.Peer.Shutdown(SocketShutdown.Send);
        Assert.Equal(RelayEnding.WebSocketLost, (await relay).Ending);
    }

    [Fact]
    public async Task Stopping_ends_the_session_from_the_TCP_side_with_the_callers_reason()
    {
        var ct = TestTimeouts.Default();
        await using var rig = await RelayRig.CreateAsync(ct);
        using var stopping = new CancellationTokenSource();
        var relay = rig.Run(Options, stopping.Token);

        await stopping.CancelAsync();

        await rig.WebSocketPeer.ReceiveAsync(new byte[16], ct);
        Assert.Equal("ended: Stopped", rig.WebSocketPeer.CloseStatusDescription);
        await rig.WebSocketPeer.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, ct);
        Assert.Equal(RelayEnding.Stopped, (await relay).Ending);
        Assert.Equal(0, await rig.Peer.ReceiveAsync(new byte[16], SocketFlags.None, ct));
    }

    /// <summary>Reads the relay's close and answers it, as a WebSocket client does.</summary>
    private static async Task AnswerCloseAsync(WebSocket webSocket, CancellationToken ct)
    {
        Assert.Equal(WebSocketMessageType.Close, (await webSocket.ReceiveAsync(new byte[16], ct)).MessageType);
        await webSocket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, ct);
    }

    private static async Task<byte[]> ReceiveExactlyAsync(Socket socket, int count, CancellationToken ct)
    {
        var buffer = new byte[count];
        for (var received = 0; received < count;)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(received), SocketFlags.None, ct);
            Assert.NotEqual(0, read);
            received += read;
        }

        return buffer;
    }

    private static async Task<byte[]> ReceiveExactlyAsync(WebSocket webSocket, int count, CancellationToken ct)
    {
        var buffer = new byte[count];
        for (var received = 0; received < count;)
        {
            var result = await webSocket.ReceiveAsync(buffer.AsMemory(received), ct);
            Assert.Equal(WebSocketMessageType.Binary, result.MessageType);
            received += result.Count;
        }

        return buffer;
    }

    /// <summary>The relay between a TCP peer and a WebSocket peer, each on a real loopback connection.</summary>
    private sealed class RelayRig : IAsyncDisposable
    {
        private readonly Socket _relaySocket;
        private readonly WebSocket _relayWebSocket;
        private readonly Socket _webSocketPeerSocket;

        private RelayRig(Socket peer, Socket relaySocket, WebSocket relayWebSocket, Socket webSocketPeerSocket, WebSocket webSocketPeer)
        {
            Peer = peer;
            _relaySocket = relaySocket;
            _relayWebSocket = relayWebSocket;
            _webSocketPeerSocket = webSocketPeerSocket;
            WebSocketPeer = webSocketPeer;
        }

        /// <summary>The TCP peer: a debug server for the proxy, a debugger for ptvsd attach.</summary>
        public Socket Peer { get; }

        public WebSocket WebSocketPeer { get; }

        public static async Task<RelayRig> CreateAsync(CancellationToken ct, int? socketBufferSize = null)
        {
            var (peer, relaySocket) = await ConnectedPairAsync(socketBufferSize, ct);
            var (relayEnd, webSocketPeerSocket) = await ConnectedPairAsync(socketBufferSize, ct);
            var relayWebSocket = WebSocket.CreateFromStream(new NetworkStream(relayEnd, ownsSocket: true), isServer: true, subProtocol: null, Timeout.InfiniteTimeSpan);
            var webSocketPeer = WebSocket.CreateFromStream(new NetworkStream(webSocketPeerSocket, ownsSocket: true), isServer: false, subProtocol: null, Timeout.InfiniteTimeSpan);
            return new RelayRig(peer, relaySocket, relayWebSocket, webSocketPeerSocket, webSocketPeer);
        }

        public Task<RelayOutcome> Run(RelayOptions options, CancellationToken stopping) =>
            new SocketWebSocketRelay(options).RunAsync(_relaySocket, _relayWebSocket, default, stopping);

        /// <summary>The WebSocket peer's connection drops with a reset, no close frame.</summary>
        public void AbortWebSocketPeer() => _webSocketPeerSocket.Reset();

        public ValueTask DisposeAsync()
        {
            Peer.Dispose();
            _relaySocket.Dispose();
            _relayWebSocket.Dispose();
            WebSocketPeer.Dispose();
            return ValueTask.CompletedTask;
        }

        private static async Task<(Socket Client, Socket Server)> ConnectedPairAsync(int? bufferSize, CancellationToken ct)
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(1);
            var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            if (bufferSize is { } size)
            {
                client.SendBufferSize = client.ReceiveBufferSize = size;
            }

            await client.ConnectAsync(listener.LocalEndPoint!, ct);
            var server = await listener.AcceptAsync(ct);
            server.NoDelay = true;
            if (bufferSize is { } serverSize)
            {
                server.SendBufferSize = server.ReceiveBufferSize = serverSize;
            }

            return (client, server);
        }
    }
}
