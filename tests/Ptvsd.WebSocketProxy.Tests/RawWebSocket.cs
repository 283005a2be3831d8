using System.Net.Sockets;
using Ptvsd.Testing;
using System.Security.Cryptography;
using System.Text;

namespace Ptvsd.WebSocketProxy.Tests;

/// <summary>
/// A WebSocket client written by hand on a bare socket, for behaviour no well-behaved client shows:
/// answering no pings and never closing.
/// </summary>
internal sealed class RawWebSocket : IDisposable
{
    private readonly Socket _socket;

    private RawWebSocket(Socket socket) => _socket = socket;

    public static async Task<RawWebSocket> ConnectAsync(Uri baseUri, string authorization, CancellationToken ct)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(baseUri.Host, baseUri.Port, ct);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var handshake =
            $"GET /ptvsd HTTP/1.1\r\nHost: {baseUri.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nAuthorization: {authorization}\r\n\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(handshake), ct);

        // Read the response head byte by byte so that no frame after it is consumed.
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await socket.ReceiveAsync(one, ct) == 0)
            {
                throw new IOException($"connection closed during the handshake: {head}");
            }

            head.Append((char)one[0]);
        }

        if (!head.ToString().StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
        {
            throw new IOException($"upgrade refused: {head}");
        }

        return new RawWebSocket(socket);
    }

    public async Task SendBinaryFrameAsync(byte[] payload, CancellationToken ct)
    {
        if (payload.Length > 125)
        {
            throw new ArgumentException("only short frames are needed here", nameof(payload));
        }

        var mask = RandomNumberGenerator.GetBytes(4);
        var frame = new byte[2 + 4 + payload.Length];
        frame[0] = 0x82; // FIN + binary
        frame[1] = (byte)(0x80 | payload.Length); // masked, as every client frame must be
        mask.CopyTo(frame, 2);
        for (var i = 0; i < payload.Length; i++)
        {
            frame[6 + i] = (byte)(payload[i] ^ mask[i % 4]);
        }

        await _socket.SendAsync(frame, ct);
    }

    /// <summary>Drops the connection with a TCP reset, as a client whose network is lost mid-send.</summary>
    public void Reset() => _socket.Reset();

    public void Dispose() => _socket.Dispose();
}
