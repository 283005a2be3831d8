using System.Net.Sockets;

namespace Ptvsd.Testing;

/// <summary>
/// A loopback TCP server that only accepts and counts: connections are held open and whatever
/// arrives is counted and dropped. A fake debug server for proving that nothing (not even an
/// empty connection) reached it, e.g. after a failed authentication.
/// </summary>
public sealed class CountingTcpListener : LoopbackTcpServer
{
    private long _bytesReceived;

    /// <summary>Total bytes received over all connections.</summary>
    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    /// <inheritdoc />
    protected override async Task HandleConnectionAsync(Socket socket, CancellationToken cancellationToken)
    {
        // Reading (rather than just holding the socket) notices when the peer closes, and keeps
        // the peer's sends from stalling on a full window.
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false)) > 0)
        {
            Interlocked.Add(ref _bytesReceived, read);
        }
    }
}
