using System.Diagnostics.CodeAnalysis;

namespace Ptvsd.WebSocketProxy.Forwarding;

/// <summary>
/// The one reading of a request's target that routing, the protected-name check and forwarding all share. Only a
/// path (origin-form) with a single possible reading is accepted: a target that the proxy, a URI parser, a Windows
/// file system or the app could each read as a different path is refused before anything routes on it, because the
/// name the proxy checks must be exactly the name the app opens.
/// </summary>
public sealed class RequestTarget
{
    private RequestTarget(string path, string pathAndQuery)
    {
        Path = path;
        PathAndQuery = pathAndQuery;
    }

    /// <summary>The decoded path: what the proxy routes and checks, and what the app reads once it decodes <see cref="PathAndQuery"/>.</summary>
    public string Path { get; }

    /// <summary>Exactly what the app receives as its request target: <see cref="Path"/> encoded again, then the query.</summary>
    public string PathAndQuery { get; }

    /// <param name="rawTarget">The request target as the client sent it.</param>
    /// <param name="path">The server's decoded path, which must agree with the raw target.</param>
    /// <param name="query">The query as sent, forwarded unchanged.</param>
    public static bool TryRead(string rawTarget, PathString path, QueryString query, [NotNullWhen(true)] out RequestTarget? target, [NotNullWhen(false)] out string? problem)
    {
        target = null;

        // 1. A path, nothing else: absolute-form and authority-form targets would make this a forward proxy to any
        //    host it can reach, and '//host/...' is read as a host by URI resolution.
        if (rawTarget.Length == 0 || rawTarget[0] != '/')
        {
            problem = "the request target must be a path such as /index.html; this proxy forwards only to its own app, never to another host";
            return false;
        }

        if (rawTarget.StartsWith("//", StringComparison.Ordinal))
        {
            problem = "the request path starts with '//', which URI parsers read as another host";
            return false;
        }

        if (rawTarget.Contains('#', StringComparison.Ordinal))
        {
            problem = "the request target holds a fragment ('#'), which clients never send and URI parsers drop";
            return false;
        }

        var queryStart = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var rawPath = queryStart < 0 ? rawTarget : rawTarget[..queryStart];

        // 2. No character that some reader turns into a separator, a terminator or a parent folder. With encoded
        //    separators refused, the decoded path splits into the same segments as the raw one.
        problem = FindAmbiguousCharacter(rawPath);
        var decoded = problem is null ? Uri.UnescapeDataString(rawPath) : "";
        problem ??= FindDotSegment(decoded);
        if (problem is not null)
        {
            return false;
        }

        // 3. The server's decoding must be the plain one, or the proxy would check one name and forward another.
        if (!string.Equals(decoded, path.Value, StringComparison.Ordinal))
        {
            problem = "the request path does not decode to one unambiguous path";
            return false;
        }

        target = new RequestTarget(path.Value!, path.ToUriComponent() + query.ToUriComponent());
        return true;
    }

    private static string? FindAmbiguousCharacter(string rawPath)
    {
        for (var i = 0; i < rawPath.Length; i++)
        {
            var c = rawPath[i];
            if (c == '%')
            {
                if (i + 2 >= rawPath.Length || !Uri.IsHexDigit(rawPath[i + 1]) || !Uri.IsHexDigit(rawPath[i + 2]))
                {
                    return "the request path holds a '%' that does not start a percent-encoded byte";
                }

                c = (char)Convert.ToByte(rawPath.Substring(i + 1, 2), 16);
                i += 2;
                if (c is '/' or '\\')
                {
                    return "the request path holds an encoded '/' or '\\' (%2F, %5C), which the app would decode into a separator the proxy never saw";
                }
            }

            if (c == '\\')
            {
                return "the request path holds a backslash, which Windows servers and URI parsers read as '/'";
            }

            if (char.IsControl(c))
            {
                return "the request path holds a NUL or another control character";
            }
        }

        return null;
    }

    private static string? FindDotSegment(string decodedPath)
    {
        foreach (var segment in decodedPath.Split('/'))
        {
            // Windows drops trailing dots and spaces from a name, so '. .' and '...' mean '.' or '..' there too.
            if (segment.Contains('.', StringComparison.Ordinal) && segment.AsSpan().Trim(". ").IsEmpty)
            {
                return "the request path holds a dot segment ('.' or '..'), which would make the app read another path than the one the proxy checked";
            }
        }

        return null;
    }
}
