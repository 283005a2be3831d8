using System;
using System.IO;
using System.Linq;
using System.Xml;
using System.Xml.Linq;

namespace Ptvsd.Build.Tasks;

/// <summary>Who owns web.debug.config, and what a user-owned one says.</summary>
internal enum TransformOwnership
{
    /// <summary>No file: write one with defaults.</summary>
    Missing,

    /// <summary>The marker comment is at the top: the SDK rewrites it with a new secret.</summary>
    Generated,

    /// <summary>The marker is gone: never rewritten, its secret used as is.</summary>
    User,
}

/// <summary>The web.debug.config found beside the project before a Debug publish.</summary>
internal sealed class DebugTransformFile
{
    private DebugTransformFile(TransformOwnership ownership, string? secret = null, bool startsProxy = false, string? appCommand = null)
    {
        Ownership = ownership;
        Secret = secret;
        StartsProxy = startsProxy;
        AppCommand = appCommand;
    }

    public TransformOwnership Ownership { get; }

    /// <summary>A user-owned file's <c>WSGI_PTVSD_SECRET</c>, or null if it sets none.</summary>
    public string? Secret { get; }

    /// <summary>A user-owned file still makes HttpPlatformHandler start the proxy.</summary>
    public bool StartsProxy { get; }

    /// <summary>The app command a user-owned file puts behind the proxy, if it names one.</summary>
    public string? AppCommand { get; }

    /// <summary>Inspects <paramref name="path"/>.</summary>
    /// <exception cref="XmlException">A user-owned file is not well-formed XML (the exception carries the line).</exception>
    public static DebugTransformFile Inspect(string path)
    {
        if (!File.Exists(path))
        {
            return new DebugTransformFile(TransformOwnership.Missing);
        }

        // Judged on the text, not the XML: a generated file stays the SDK's to rewrite even if it got mangled.
        if (HasMarkerAtTop(File.ReadAllText(path)))
        {
            return new DebugTransformFile(TransformOwnership.Generated);
        }

        var root = XDocument.Load(path, LoadOptions.SetLineInfo).Root;
        var secret = root?.Elements("appSettings").Elements("add")
            .Where(add => (string?)add.Attribute("key") == DebugTransformDocument.SecretSettingName)
            .Select(add => (string?)add.Attribute("value"))
            .LastOrDefault(value => !string.IsNullOrEmpty(value));
        var proxyArguments = root?.Elements("system.webServer").Elements("httpPlatform")
            .Select(platform => (string?)platform.Attribute("arguments") ?? "")
            .Select(ProxyLaunch.FindAppCommandBehindProxy)
            .FirstOrDefault(command => command is not null);

        return new DebugTransformFile(
            TransformOwnership.User,
            secret,
            startsProxy: proxyArguments is not null,
            appCommand: string.IsNullOrEmpty(proxyArguments) ? null : proxyArguments);
    }

    /// <summary>True when the first thing after the XML declaration is a comment carrying the marker.</summary>
    public static bool HasMarkerAtTop(string text)
    {
        var at = SkipWhitespace(text, text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0);
        if (string.CompareOrdinal(text, at, "<?xml", 0, 5) == 0)
        {
            var declarationEnd = text.IndexOf("?>", at, StringComparison.Ordinal);
            if (declarationEnd < 0)
            {
                return false;
            }

            at = SkipWhitespace(text, declarationEnd + 2);
        }

        if (string.CompareOrdinal(text, at, "<!--", 0, 4) != 0)
        {
            return false;
        }

        var commentEnd = text.IndexOf("-->", at, StringComparison.Ordinal);
        var comment = commentEnd < 0 ? text.Substring(at) : text.Substring(at, commentEnd - at);
        return comment.IndexOf(DebugTransformDocument.Marker, StringComparison.Ordinal) >= 0;
    }

    private static int SkipWhitespace(string text, int at)
    {
        while (at < text.Length && char.IsWhiteSpace(text[at]))
        {
            at++;
        }

        return at;
    }
}
