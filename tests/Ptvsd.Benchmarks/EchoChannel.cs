using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;

namespace Ptvsd.Benchmarks;

/// <summary>
/// A client's byte stream to an echo server: a TCP connection straight to it, or a WebSocket through
/// the proxy. The latency and throughput loops run unchanged over either, so both paths are measured
/// and counted the same way.
/// </summary>
internal abstract class EchoChannel : IAsyncDisposable
{
    /// <summary>Sends all of <paramref name="data"/>.</summary>
    public abstract ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Receives at least one byte; throws at end of stream, which an echo never reaches mid-run.</summary>
    public abstract ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();

    /// <summary>Receives exactly <paramref name="buffer"/>'s length.</summary>
    public async ValueTask ReceiveExactlyAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var received = 0;
        while (received < buffer.Length)
        {
            received += await ReceiveAsync(buffer[received..], cancellationToken);
        }
    }

    public static async Task<EchoChannel> ConnectTcpAsync(IPEndPoint endPoint, CancellationToken cancellationToken)
    {
        // TCP_NODELAY, as the relay and the echo server use: without it Nagle would hold each small message.
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken);
            return new TcpChannel(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static async Task<EchoChannel> ConnectThroughProxyAsync(BenchmarkProxy proxy, CancellationToken cancellationToken) =>
        new WebSocketChannel(await proxy.ConnectAsync(cancellationToken));

    /// <summary>A WebSocket to <paramref name="url"/>, with credentials where the relay wants them (the proxy; not websockify).</summary>
    public static async Task<EchoChannel> ConnectWebSocketAsync(Uri url, string? authorization, CancellationToken cancellationToken) =>
        new WebSocketChannel(await WebSocketClient.ConnectAsync(url, authorization, cancellationToken));

    private sealed class TcpChannel(Socket socket) : EchoChannel
    {
        public override async ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            while (!data.IsEmpty)
            {
                var sent = await socket.SendAsync(data, SocketFlags.None, cancellationToken);
                data = data[sent..];
            }
        }

        public override async ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            var count = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            return count > 0 ? count : throw new EndOfStreamException("The echo server closed the connection.");
        }

        public override ValueTask DisposeAsync()
        {
            socket.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    private sealed class WebSocketChannel(ClientWebSocket webSocket) : EchoChannel
    {
        // Bounds the close handshake: the relay answers at once, but a broken run must not hang here.
        private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

        // One binary message per send, as a DAP client over the proxy sends them.
        public override ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
            webSocket.SendAsync(data, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);

        public override async ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            while (true)
            {
                var result = await webSocket.ReceiveAsync(buffer, cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    throw new EndOfStreamException($"The relay closed the WebSocket: {webSocket.CloseStatus} {webSocket.CloseStatusDescription}");
                }

                // An empty frame is legal and carries nothing; only bytes count.
                if (result.Count > 0)
                {
                    return result.Count;
                }
            }
        }

        public override async ValueTask DisposeAsync()
        {
            try
            {
                // A full close, so the relay ends its session cleanly rather than logging a lost client.
                using var timeout = new CancellationTokenSource(CloseTimeout);
                await webSocket.CloseAsync(WebSocketCloseStatus.NormalClosure, "benchmark done", timeout.Token);
            }
            finally
            {
                webSocket.Dispose();
            }
        }
    }
}
