using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using Ptvsd.Testing;

namespace Ptvsd.Attach.Tests;

/// <summary>
/// A fake site that keeps the head of every HTTP request it gets and answers each with 401, so a test can see
/// exactly which headers the tool sends (credentials, affinity cookie, upgrade).
/// </summary>
internal sealed class RequestRecorder : LoopbackTcpServer
{
    private readonly ConcurrentQueue<string> _heads = new();

    public IReadOnlyCollection<string> Heads => _heads;

    protected override async Task HandleConnectionAsync(Socket socket, CancellationToken cancellationToken)
    {
        var head = new StringBuilder();
        var buffer = new byte[4096];
        while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                return;
            }

            head.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        _heads.Enqueue(head.ToString());
        await socket.SendAsync("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray(), SocketFlags.None, cancellationToken);
        socket.Shutdown(SocketShutdown.Send);
    }
}
