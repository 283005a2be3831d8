using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Ptvsd.Attach.Target;

/// <summary>
/// Reads the attach URI a Debug publish prints, in the forms a user is likely to paste. Written by hand rather than
/// on <see cref="Uri"/>: <see cref="Uri"/> accepts much that cannot work here (other schemes, paths, spaces) and,
/// when it refuses, says neither what is wrong nor keeps the secret out of its message.
/// </summary>
internal static class AttachUriParser
{
    public const string AcceptedForms = "wss://SECRET@host[:port]/ptvsd, ws://SECRET@host:port/ptvsd, SECRET@host, or --project PATH";

    /// <summary>Far longer than any real attach URI (a 32-character secret and a host name); longer input is refused unread.</summary>
    public const int MaxLength = 2048;

    private const string SchemeSeparator = "://";

    /// <summary>Parses <paramref name="text"/>; a user mistake is a <see cref="UsageException"/> naming it and the accepted forms.</summary>
    public static AttachUri Parse(string? text) =>
        TryParse(text, out var uri, out var problem)
            ? uri
            : throw new UsageException($"the attach URI {problem}. Accepted forms: {AcceptedForms}");

    /// <summary>
    /// Parses <paramref name="text"/>; on failure <paramref name="problem"/> completes the sentence "the attach URI …"
    /// without quoting the secret.
    /// </summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out AttachUri? uri, [NotNullWhen(false)] out string? problem)
    {
        uri = null;
        problem = FindProblem(text, out var parts);
        if (problem is not null)
        {
            return false;
        }

        uri = new AttachUri(parts.Secure, parts.Host, parts.Port, parts.Secret);
        return true;
    }

    private static string? FindProblem(string? text, out Parts parts)
    {
        parts = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return "is empty";
        }

        if (text.Length > MaxLength)
        {
            return $"is {text.Length:N0} characters long; an attach URI has at most {MaxLength:N0}";
        }

        // Pasted text often brings a newline or spaces at its ends; inside, whitespace is never part of a URI.
        text = text.Trim();
        if (text.Any(char.IsWhiteSpace))
        {
            return "contains a space or line break (was it copied across lines?)";
        }

        if (text.Any(char.IsControl))
        {
            return "contains a control character";
        }

        var schemeEnd = text.IndexOf(SchemeSeparator, StringComparison.Ordinal);
        if (schemeEnd < 0 && LooksLikeBrokenScheme(text))
        {
            return "does not start with wss:// or ws:// (is a '/' missing?)";
        }

        var rest = schemeEnd < 0 ? text : text[(schemeEnd + SchemeSeparator.Length)..];
        var authorityEnd = rest.IndexOfAny(['/', '?', '#']);
        var authority = authorityEnd < 0 ? rest : rest[..authorityEnd];
        var tail = authorityEnd < 0 ? "" : rest[authorityEnd..];
        var at = authority.LastIndexOf('@');
        var userInfo = at < 0 ? "" : authority[..at];
        var hostPort = at < 0 ? authority : authority[(at + 1)..];

        if (NonAscii(userInfo) is not null)
        {
            return "has a non-ASCII character in the secret (a typographic quote or dash from copy and paste?)";
        }

        var outside = schemeEnd < 0 ? hostPort + tail : text[..schemeEnd] + hostPort + tail;
        if (NonAscii(outside) is { } character)
        {
            return $"contains the non-ASCII character U+{(int)character:X4} (a typographic quote or dash from copy and paste?)";
        }

        var secure = true;
        if (schemeEnd >= 0)
        {
            var scheme = text[..schemeEnd];
            if (scheme.Equals("ws", StringComparison.OrdinalIgnoreCase))
            {
                secure = false;
            }
            else if (!scheme.Equals("wss", StringComparison.OrdinalIgnoreCase))
            {
                return IsSchemeName(scheme)
                    ? $"starts with {scheme}://, which is not a WebSocket scheme: use wss:// (or ws:// for a proxy without TLS)"
                    : "does not start with wss:// or ws://";
            }
        }

        if (at < 0)
        {
            return "has no secret: it goes before the host, as in SECRET@host";
        }

        var colon = userInfo.IndexOf(':');
        var encodedSecret = colon < 0 ? userInfo : userInfo[..colon];
        var encodedPassword = colon < 0 ? null : userInfo[(colon + 1)..];
        if (encodedSecret.Length == 0)
        {
            return "has an empty secret before '@'";
        }

        if (!TryDecodeUserInfo(encodedSecret, out var secret) || !TryDecodeUserInfo(encodedPassword, out _))
        {
            return "has a character in the secret that a URI does not allow there (percent-encode it, or copy the URI again)";
        }

        var hostProblem = ParseHostAndPort(hostPort, out var host, out var port);
        if (hostProblem is not null)
        {
            return hostProblem;
        }

        var pathProblem = CheckTail(tail, shortForm: schemeEnd < 0);
        if (pathProblem is not null)
        {
            return pathProblem;
        }

        parts = new Parts(secure, host, port, secret!);
        return null;
    }

    private static string? ParseHostAndPort(string hostPort, out string host, out int? port)
    {
        port = null;
        host = hostPort;
        string? portText = null;
        if (hostPort.StartsWith('['))
        {
            var close = hostPort.IndexOf(']');
            if (close < 0)
            {
                return "has an IPv6 address without its closing ']'";
            }

            host = hostPort[..(close + 1)];
            var after = hostPort[(close + 1)..];
            if (after.Length > 0)
            {
                if (after[0] != ':')
                {
                    return "has text after the IPv6 address where only :port may follow";
                }

                portText = after[1..];
            }

            if (!IPAddress.TryParse(host[1..^1], out var address) || address.AddressFamily != AddressFamily.InterNetworkV6)
            {
                return $"has '{Shorten(host)}', which is not an IPv6 address";
            }
        }
        else
        {
            var colon = hostPort.IndexOf(':');
            if (colon >= 0)
            {
                host = hostPort[..colon];
                portText = hostPort[(colon + 1)..];
            }

            if (host.Length == 0)
            {
                return "has no host name after '@'";
            }

            if (host.Length > 253 || Uri.CheckHostName(host) is not (UriHostNameType.Dns or UriHostNameType.IPv4))
            {
                return $"has '{Shorten(host)}' where the host name goes, which is not a host name";
            }
        }

        if (portText is null)
        {
            return null;
        }

        if (portText.Length == 0)
        {
            return "has ':' after the host but no port";
        }

        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
        {
            return $"has port '{Shorten(portText)}', which is not a TCP port (1-65535)";
        }

        port = number;
        return null;
    }

    private static string? CheckTail(string tail, bool shortForm)
    {
        var query = tail.IndexOfAny(['?', '#']);
        if (query >= 0)
        {
            return "has a query string or fragment ('?' or '#'), which an attach URI never has";
        }

        // The proxy answers at /ptvsd whatever the case; a trailing slash is what some copies add.
        var path = tail.TrimEnd('/');
        if (path.Equals(AttachUri.DebugPath, StringComparison.OrdinalIgnoreCase) || (shortForm && path.Length == 0))
        {
            return null;
        }

        return path.Length == 0
            ? "has no path: it ends in /ptvsd"
            : $"has the path '{Shorten(tail)}': the debug endpoint is /ptvsd";
    }

    /// <summary>Percent-decodes user info, refusing the characters RFC 3986 does not allow in it unencoded.</summary>
    private static bool TryDecodeUserInfo(string? encoded, out string? decoded)
    {
        decoded = encoded;
        if (encoded is null)
        {
            return true;
        }

        for (var i = 0; i < encoded.Length; i++)
        {
            var c = encoded[i];
            if (c == '%')
            {
                if (i + 2 >= encoded.Length || !Uri.IsHexDigit(encoded[i + 1]) || !Uri.IsHexDigit(encoded[i + 2]))
                {
                    return false;
                }

                i += 2;
            }
            else if (!char.IsAsciiLetterOrDigit(c) && "-._~!$&'()*+,;=:".IndexOf(c) < 0)
            {
                return false;
            }
        }

        decoded = Uri.UnescapeDataString(encoded);
        return true;
    }

    private static char? NonAscii(string text)
    {
        foreach (var c in text)
        {
            if (!char.IsAscii(c))
            {
                return c;
            }
        }

        return null;
    }

    /// <summary><c>wss:/host</c> or <c>wss:host</c>: a scheme without its "//", not the short form <c>SECRET@host</c>.</summary>
    private static bool LooksLikeBrokenScheme(string text)
    {
        var colon = text.IndexOf(':');
        var at = text.IndexOf('@');
        return colon > 0 && (at < 0 || colon < at) && IsSchemeName(text[..colon]) && text[..colon].ToLowerInvariant() is "ws" or "wss" or "http" or "https";
    }

    private static bool IsSchemeName(string scheme) =>
        scheme.Length is > 0 and <= 16 && char.IsAsciiLetter(scheme[0]) && scheme.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.');

    /// <summary>Quotes at most a line's worth of what the user wrote (never from the secret).</summary>
    private static string Shorten(string text) => text.Length <= 40 ? text : text[..37] + "...";

    private readonly record struct Parts(bool Secure, string Host, int? Port, string Secret);
}
