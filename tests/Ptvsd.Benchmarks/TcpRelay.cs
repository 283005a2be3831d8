using System.Net;
using System.Net.Sockets;
using Ptvsd.Testing;

namespace Ptvsd.Benchmarks;

/// <summary>
/// A plain TCP-to-TCP relay: the proxy's relay without WebSocket, HTTP or authentication, with the same
/// 64 KiB buffers and TCP_NODELAY. A reference row, not a target: it shows how much of the proxy's cost
/// is one more hop through this process and how much is the WebSocket layer on top of it.
/// </summary>
internal sealed class TcpRelay(IPEndPoint target) : LoopbackTcpServer
{
    private const int BufferSize = 64 * 1024;

    protected override async Task HandleConnectionAsync(Socket client, CancellationToken cancellationToken)
    {
        using var server = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await server.ConnectAsync(target, cancellationToken);
        await Task.WhenAll(PumpAsync(client, server, cancellationToken), PumpAsync(server, client, cancellationToken));
    }

    private static async Task PumpAsync(Socket from, Socket to, CancellationToken cancellationToken)
    {
        var buffer = new byte[BufferSize];
        while (true)
        {
            var count = await from.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            if (count == 0)
            {
                // Pass the half-close on, so the far end sees the end of the stream after the last byte.
                to.Shutdown(SocketShutdown.Send);
                return;
            }

            for (var sent = 0; sent < count;)
            {
                sent += await to.SendAsync(buffer.AsMemory(sent, count - sent), SocketFlags.None, cancellationToken);
            }
        }
    }
}
