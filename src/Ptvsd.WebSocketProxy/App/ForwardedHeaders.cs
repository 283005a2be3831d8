using System.Net.Http.Headers;
using Microsoft.Extensions.Primitives;

namespace Ptvsd.WebSocketProxy.App;

/// <summary>Which headers cross the proxy, and the X-Forwarded-* headers that tell the app who asked.</summary>
public static class ForwardedHeaders
{
    // RFC 9110 §7.6.1: connection-specific headers describe one hop and must not be forwarded.
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "Proxy-Connection",
        "TE", "Trailer", "Transfer-Encoding", "Upgrade",
    };

    // The WebSocket handshake is redone by the proxy's own client towards the app.
    private static readonly HashSet<string> WebSocketHandshake = new(StringComparer.OrdinalIgnoreCase)
    {
        "Sec-WebSocket-Key", "Sec-WebSocket-Version", "Sec-WebSocket-Extensions", "Sec-WebSocket-Protocol", "Sec-WebSocket-Accept",
    };

    /// <summary>The request headers that cross to the app: all but hop-by-hop ones and those named in Connection.</summary>
    public static IEnumerable<KeyValuePair<string, StringValues>> Forwardable(IHeaderDictionary headers)
    {
        // Headers named in Connection are hop-by-hop for this message too; read them once per request.
        var named = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var value in headers.Connection)
        {
            named.UnionWith((value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        }

        return headers.Where(header => !HopByHop.Contains(header.Key) && !named.Contains(header.Key));
    }

    /// <summary>As <see cref="Forwardable"/>, less the handshake headers the proxy's own WebSocket client writes.</summary>
    public static IEnumerable<KeyValuePair<string, StringValues>> ForwardableToWebSocket(IHeaderDictionary headers) =>
        Forwardable(headers).Where(header => !WebSocketHandshake.Contains(header.Key) && !header.Key.Equals("Host", StringComparison.OrdinalIgnoreCase));

    public static bool IsForwardableResponse(string name, HttpResponseHeaders headers) =>
        !HopByHop.Contains(name) && !headers.Connection.Contains(name, StringComparer.OrdinalIgnoreCase);

    /// <summary>Appends this hop to X-Forwarded-For/Proto/Host, keeping what front ends before us wrote.</summary>
    public static IEnumerable<KeyValuePair<string, StringValues>> For(HttpContext context)
    {
        var request = context.Request;
        yield return new("X-Forwarded-For", Append(request.Headers["X-Forwarded-For"], context.Connection.RemoteIpAddress?.ToString()));
        yield return new("X-Forwarded-Proto", Append(request.Headers["X-Forwarded-Proto"], request.Scheme));
        yield return new("X-Forwarded-Host", Append(request.Headers["X-Forwarded-Host"], request.Host.Value));
    }

    private static StringValues Append(StringValues existing, string? value) =>
        string.IsNullOrEmpty(value) ? existing : existing.Count == 0 ? value : $"{existing}, {value}";
}
