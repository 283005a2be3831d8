namespace Ptvsd.WebSocketProxy.Forwarding;

/// <summary>
/// Paths never handed to the app, which might serve them as static files: web.config and web.debug.config (they may
/// hold the secret or its verifier) in any folder, and the proxy's own <c>ptvsd/</c> folder. Names are compared the way
/// a Windows file system resolves them (IIS serves App Service Windows): case-insensitively, with trailing dots and
/// spaces dropped, with an alternate data stream (<c>name::$DATA</c>) meaning the file itself, and with 8.3 short
/// names (<c>WEB~1.CON</c>) treated as possible aliases.
/// </summary>
public static class ProtectedPaths
{
    private static readonly string[] SecretFiles = ["web.config", "web.debug.config"];

    /// <summary>The proxy's folder at the site root; <c>/ptvsd</c> itself is the proxy's endpoint, routed before this check.</summary>
    public const string ProxyFolder = "ptvsd";

    /// <param name="path">The decoded path exactly as it would be forwarded (<see cref="RequestTarget.Path"/>).</param>
    public static bool IsProtected(string path)
    {
        var segments = path.Split('/');
        if (segments.Length > 1 && AsWindowsName(segments[1]).Equals(ProxyFolder, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        foreach (var segment in segments)
        {
            var name = AsWindowsName(segment);
            if (SecretFiles.Any(file => name.Equals(file, StringComparison.OrdinalIgnoreCase)) || IsShortConfigName(name))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The file a Windows file system opens for <paramref name="segment"/>: no stream suffix, no trailing dots or spaces.</summary>
    private static string AsWindowsName(string segment)
    {
        var stream = segment.IndexOf(':', StringComparison.Ordinal);
        return (stream < 0 ? segment : segment[..stream]).TrimEnd('.', ' ');
    }

    /// <summary>An 8.3 alias with the extension CON, as web.config has (WEB~1.CON) and web.debug.config (WEBDEB~1.CON).</summary>
    private static bool IsShortConfigName(string name)
    {
        // BASE~N.CON: one to six characters, a tilde, digits, the extension.
        var tilde = name.IndexOf('~', StringComparison.Ordinal);
        var dot = name.LastIndexOf('.');
        return tilde is >= 1 and <= 6
            && dot > tilde + 1
            && !name.AsSpan(0, tilde).Contains('.')
            && name.AsSpan(tilde + 1, dot - tilde - 1).IndexOfAnyExceptInRange('0', '9') < 0
            && name.AsSpan(dot).Equals(".con", StringComparison.OrdinalIgnoreCase);
    }
}
