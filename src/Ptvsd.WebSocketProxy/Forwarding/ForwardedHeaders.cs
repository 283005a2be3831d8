using System.Text;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace Ptvsd.WebSocketProxy.Forwarding;

/// <summary>The X-Forwarded-* headers that tell the app who asked, and the headers a client marks as this hop's only.</summary>
public static class ForwardedHeaders
{
    /// <summary>Appends this hop to X-Forwarded-For/Proto/Host, keeping what front ends before us wrote.</summary>
    public static IEnumerable<KeyValuePair<string, StringValues>> For(HttpContext context)
    {
        var request = context.Request;
        yield return new("X-Forwarded-For", Append(request.Headers["X-Forwarded-For"], context.Connection.RemoteIpAddress?.ToString()));
        yield return new("X-Forwarded-Proto", Append(request.Headers["X-Forwarded-Proto"], request.Scheme));
        yield return new("X-Forwarded-Host", Append(request.Headers["X-Forwarded-Host"], request.Host.Value));
    }

    /// <summary>
    /// The header names listed in Connection (RFC 9110 §7.6.1): they describe this hop only and must not reach the
    /// app. Read from the request head as the client sent it where the connection has a <see cref="RequestHeadRecorder"/>,
    /// since Kestrel's parsed Connection header may have lost them; from the parsed header otherwise.
    /// </summary>
    public static IReadOnlySet<string> NamedInConnection(HttpContext context)
    {
        var named = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var parsed = context.Request.Headers.Connection;
        if (parsed.Count == 0)
        {
            return named;
        }

        // Kestrel rewrites the header only to one of these three; any other value is what the client sent.
        var lines = (IsCollapsedByKestrel(parsed) ? RawConnectionLines(context) : null) ?? parsed.Select(line => line ?? "");
        foreach (var line in lines)
        {
            named.UnionWith(line.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        }

        return named;
    }

    private static bool IsCollapsedByKestrel(StringValues connection) =>
        connection.Count == 1 && connection[0] is "keep-alive" or "close" or "Upgrade";

    /// <summary>The values of the Connection lines in the current request's head as sent; null if it cannot be found.</summary>
    private static List<string>? RawConnectionLines(HttpContext context)
    {
        var request = context.Request;
        var recorder = RequestHeadRecorder.Of(context.Features.Get<IConnectionItemsFeature>()?.Items);
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (recorder is null || rawTarget is null || !(HttpProtocol.IsHttp11(request.Protocol) || HttpProtocol.IsHttp10(request.Protocol)))
        {
            return null;
        }

        // The head is the tail of what Kestrel consumed, from this request's request line to the blank line. It is the
        // last line that reads as that request line: earlier ones can only be body bytes of an earlier request, and no
        // header line can, since a header value holds no line break. Read a little more than the parsed headers
        // account for, and more again if the Connection line was longer than what Kestrel kept of it.
        var requestLine = $"{request.Method} {rawTarget} {request.Protocol}\r\n";
        var estimate = requestLine.Length + 2 + request.Headers.Sum(header => header.Key.Length + header.Value.ToString().Length + 4);
        for (var count = estimate + 512; ; count *= 2)
        {
            var tail = Encoding.Latin1.GetString(recorder.Tail(count));
            var found = tail.LastIndexOf("\n" + requestLine, StringComparison.Ordinal);
            var start = found >= 0 ? found + 1 : tail.StartsWith(requestLine, StringComparison.Ordinal) ? 0 : -1;
            if (start >= 0 && tail.EndsWith("\r\n\r\n", StringComparison.Ordinal))
            {
                return ConnectionLines(tail.AsSpan(start + requestLine.Length));
            }

            if (count >= RequestHeadRecorder.Capacity || count >= recorder.Length)
            {
                return null;
            }
        }
    }

    private static List<string> ConnectionLines(ReadOnlySpan<char> headerLines)
    {
        var lines = new List<string>();
        foreach (var range in headerLines.Split("\r\n"))
        {
            var line = headerLines[range];
            var colon = line.IndexOf(':');
            if (colon > 0 && line[..colon].Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                lines.Add(line[(colon + 1)..].Trim(" \t").ToString());
            }
        }

        return lines;
    }

    internal static StringValues Append(StringValues existing, string? value) =>
        string.IsNullOrEmpty(value) ? existing : existing.Count == 0 ? value : $"{existing}, {value}";
}
