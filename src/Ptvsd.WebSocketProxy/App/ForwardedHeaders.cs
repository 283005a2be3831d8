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

    public static bool IsForwardable(string name, IHeaderDictionary headers)
    {
        if (HopByHop.Contains(name))
        {
            return false;
        }

        // Headers named in Connection are hop-by-hop for this message too.
        foreach (var value in headers.Connection)
        {
            foreach (var token in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (token.Equals(name, StringComparison.OrdinalIgnoreCase))
                {
                    return false;
                }
            }
        }

        return true;
    }

    public static bool IsForwardableToWebSocket(string name, IHeaderDictionary headers) =>
        IsForwardable(name, headers) && !WebSocketHandshake.Contains(name) && !name.Equals("Host", StringComparison.OrdinalIgnoreCase);

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
