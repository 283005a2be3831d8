using System.Net.WebSockets;

namespace Ptvsd.Benchmarks;

internal static class WebSocketClient
{
    /// <summary>Opens a WebSocket, with an Authorization header where the relay wants one (the proxy; not websockify).</summary>
    public static async Task<ClientWebSocket> ConnectAsync(Uri url, string? authorization, CancellationToken cancellationToken)
    {
        var webSocket = new ClientWebSocket();
        if (authorization is not null)
        {
            webSocket.Options.SetRequestHeader("Authorization", authorization);
        }

        try
        {
            await webSocket.ConnectAsync(url, cancellationToken);
            return webSocket;
        }
        catch
        {
            webSocket.Dispose();
            throw;
        }
    }
}
