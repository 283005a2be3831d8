using System.Text.RegularExpressions;
using System.Xml.Linq;
using Ptvsd.Contract;

namespace Ptvsd.Build.Tasks.Tests.Support;

/// <summary>Reads and edits web.debug.config text the way a test needs to.</summary>
internal static partial class TransformText
{
    /// <summary>The values of every <c>WSGI_PTVSD_SECRET</c> app setting in <paramref name="configText"/>.</summary>
    public static IReadOnlyList<string> Secrets(string configText) => Settings(configText, SiteSettings.Secret);

    /// <summary>The values of every <c>WSGI_PTVSD_SECRET_VERIFIER</c> app setting in <paramref name="configText"/>.</summary>
    public static IReadOnlyList<string> Verifiers(string configText) => Settings(configText, SiteSettings.SecretVerifier);

    /// <summary>Whether <paramref name="verifier"/> is a well-formed verifier of <paramref name="secret"/>.</summary>
    public static bool Verifies(string verifier, string secret) =>
        SecretVerifier.TryParse(verifier, out var salt, out var digest, out _) && SecretVerifier.Digest(salt, secret).AsSpan().SequenceEqual(digest);

    public static IReadOnlyList<string> Settings(string configText, string key) =>
        XDocument.Parse(configText).Root!.Elements("appSettings").Elements("add")
            .Where(add => (string?)add.Attribute("key") == key)
            .Select(add => (string?)add.Attribute("value") ?? "")
            .ToList();

    /// <summary>A generated transform taken over by its user: the marker comment deleted, the rest as it was.</summary>
    public static string TakenOver(string generated) => MarkerComment().Replace(generated, "", 1);

    /// <summary>A user-owned transform edited by <paramref name="edit"/> (on its root element).</summary>
    public static string TakenOver(string generated, Action<XElement> edit)
    {
        var document = XDocument.Parse(TakenOver(generated));
        edit(document.Root!);
        return document.Declaration + Environment.NewLine + document;
    }

    [GeneratedRegex(@"<!--.*?-->\s*", RegexOptions.Singleline)]
    private static partial Regex MarkerComment();
}
