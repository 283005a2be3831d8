using Ptvsd.Testing;
using System.Net.Sockets;
using System.Text;

namespace Ptvsd.WebSocketProxy.Tests;

/// <summary>Sends a request exactly as written, for inputs HttpClient would refuse or normalise.</summary>
internal static class RawHttp
{
    public static async Task<string> SendAsync(Uri baseUri, string request)
    {
        var ct = TestTimeouts.Default();
        using var client = new TcpClient();
        await client.ConnectAsync(baseUri.Host, baseUri.Port, ct);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), ct);
        return await new StreamReader(stream).ReadToEndAsync(ct);
    }
}
