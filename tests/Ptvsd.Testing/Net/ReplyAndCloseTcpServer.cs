using System.Net.Sockets;

namespace Ptvsd.Testing;

/// <summary>
/// A loopback TCP server that waits for the first bytes of each connection, answers them with a fixed reply and
/// closes: a debug server that ends the session itself, to check how its last bytes and its close travel back.
/// </summary>
public sealed class ReplyAndCloseTcpServer(byte[] reply) : LoopbackTcpServer
{
    /// <inheritdoc />
    protected override async Task HandleConnectionAsync(Socket socket, CancellationToken cancellationToken)
    {
        if (await socket.ReceiveAsync(new byte[1024], SocketFlags.None, cancellationToken).ConfigureAwait(false) == 0)
        {
            return;
        }

        await socket.SendAsync(reply, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        socket.Shutdown(SocketShutdown.Both);
    }
}
