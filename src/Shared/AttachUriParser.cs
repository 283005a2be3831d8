using System;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Sockets;

namespace Ptvsd.Contract;

/// <summary>
/// Reads the attach URI a Debug publish prints, in the forms a user is likely to paste. Written by hand rather than
/// on <see cref="Uri"/>: <see cref="Uri"/> accepts much that cannot work here (other schemes, paths, spaces) and,
/// when it refuses, says neither what is wrong nor keeps the secret out of its message. Linked into the SDK's tasks
/// (netstandard2.0) too, which check with it that the URI they print is one the client takes.
/// </summary>
internal static class AttachUriParser
{
    public const string AcceptedForms = "wss://SECRET@host[:port]/ptvsd, ws://SECRET@host:port/ptvsd, SECRET@host, or --project PATH";

    /// <summary>Far longer than any real attach URI (a 32-character secret and a host name); longer input is refused unread.</summary>
    public const int MaxLength = 2048;

    private const string SchemeSeparator = "://";

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
        if (text is null || string.IsNullOrWhiteSpace(text))
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

        var rest = schemeEnd < 0 ? text : text.Substring(schemeEnd + SchemeSeparator.Length);
        var authorityEnd = rest.IndexOfAny(['/', '?', '#']);
        var authority = authorityEnd < 0 ? rest : rest.Substring(0, authorityEnd);
        var tail = authorityEnd < 0 ? "" : rest.Substring(authorityEnd);
        var at = authority.LastIndexOf('@');
        var userInfo = at < 0 ? "" : authority.Substring(0, at);
        var hostPort = at < 0 ? authority : authority.Substring(at + 1);

        if (NonAscii(userInfo) is not null)
        {
            return "has a non-ASCII character in the secret (a typographic quote or dash from copy and paste?)";
        }

        var outside = schemeEnd < 0 ? hostPort + tail : text.Substring(0, schemeEnd) + hostPort + tail;
        if (NonAscii(outside) is { } character)
        {
            return $"contains the non-ASCII character U+{(int)character:X4} (a typographic quote or dash from copy and paste?)";
        }

        var secure = true;
        if (schemeEnd >= 0)
        {
            var scheme = text.Substring(0, schemeEnd);
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
        var encodedSecret = colon < 0 ? userInfo : userInfo.Substring(0, colon);
        var encodedPassword = colon < 0 ? null : userInfo.Substring(colon + 1);
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
        if (hostPort.StartsWith("[", StringComparison.Ordinal))
        {
            var close = hostPort.IndexOf(']');
            if (close < 0)
            {
                return "has an IPv6 address without its closing ']'";
            }

            host = hostPort.Substring(0, close + 1);
            var after = hostPort.Substring(close + 1);
            if (after.Length > 0)
            {
                if (after[0] != ':')
                {
                    return "has text after the IPv6 address where only :port may follow";
                }

                portText = after.Substring(1);
            }

            if (!IPAddress.TryParse(host.Substring(1, host.Length - 2), out var address) || address.AddressFamily != AddressFamily.InterNetworkV6)
            {
                return $"has {TypedText.Quote(host)}, which is not an IPv6 address";
            }
        }
        else
        {
            var colon = hostPort.IndexOf(':');
            if (colon >= 0)
            {
                host = hostPort.Substring(0, colon);
                portText = hostPort.Substring(colon + 1);
            }

            if (host.Length == 0)
            {
                return "has no host name after '@'";
            }

            if (host.Length > 253 || Uri.CheckHostName(host) is not (UriHostNameType.Dns or UriHostNameType.IPv4))
            {
                return $"has {TypedText.Quote(host)} where the host name goes, which is not a host name";
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
            return $"has port {TypedText.Quote(portText)}, which is not a TCP port (1-65535)";
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
            : $"has the path {TypedText.Quote(tail)}: the debug endpoint is /ptvsd";
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
            else if (!IsAsciiLetterOrDigit(c) && "-._~!$&'()*+,;=:".IndexOf(c) < 0)
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
            if (c > '\u007f')
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
        return colon > 0 && (at < 0 || colon < at) && IsSchemeName(text.Substring(0, colon)) && text.Substring(0, colon).ToLowerInvariant() is "ws" or "wss" or "http" or "https";
    }

    private static bool IsSchemeName(string scheme) =>
        scheme.Length is > 0 and <= 16 && IsAsciiLetter(scheme[0]) && scheme.All(c => IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.');

    private static bool IsAsciiLetter(char c) => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z';

    private static bool IsAsciiLetterOrDigit(char c) => IsAsciiLetter(c) || c is >= '0' and <= '9';

    private readonly struct Parts
    {
        public Parts(bool secure, string host, int? port, string secret)
        {
            Secure = secure;
            Host = host;
            Port = port;
            Secret = secret;
        }

        public bool Secure { get; }

        public string Host { get; }

        public int? Port { get; }

        public string Secret { get; }
    }
}
