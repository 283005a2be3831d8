using System.Net.Sockets;

namespace Ptvsd.Testing;

/// <summary>
/// A loopback TCP server that sends every byte back on the connection it came from — a stand-in
/// for the debug server when a test checks the relay itself (ordering, sizes, throughput).
/// </summary>
public sealed class TcpEchoServer : LoopbackTcpServer
{
    // The relay's own buffer size (as in PTVS and Kudu); echoing in the same chunks keeps
    // the test close to the real traffic shape.
    private const int BufferSize = 64 * 1024;

    private long _bytesEchoed;

    /// <summary>Total bytes echoed over all connections.</summary>
    public long BytesEchoed => Interlocked.Read(ref _bytesEchoed);

    /// <inheritdoc />
    protected override async Task HandleConnectionAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[BufferSize];
        while (true)
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                // Half-close back so the client sees end of stream after its last echo.
                socket.Shutdown(SocketShutdown.Send);
                return;
            }

            var sent = 0;
            while (sent < read)
            {
                sent += await socket.SendAsync(buffer.AsMemory(sent, read - sent), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            }

            Interlocked.Add(ref _bytesEchoed, read);
        }
    }
}
