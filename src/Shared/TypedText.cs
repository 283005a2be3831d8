using System.Linq;

namespace Ptvsd.Contract;

/// <summary>
/// Quotes what a user typed in a message about it, unless the text may carry the secret: a piece that holds an '@' or
/// a scheme is most likely an attach URI in the wrong place, or two run together, and is described instead.
/// </summary>
internal static class TypedText
{
    public const string NotShown = "(not shown: it looks like an attach URI, which holds the secret)";

    /// <summary>Whether <paramref name="text"/> holds an '@' or a scheme, as an attach URI does.</summary>
    public static bool MayHoldSecret(string text) => text.Contains("@") || text.Contains("://");

    /// <summary>The text in quotes, cut to <paramref name="longest"/> characters, control characters as '?'; or <see cref="NotShown"/>.</summary>
    public static string Quote(string text, int longest = 40)
    {
        if (MayHoldSecret(text))
        {
            return NotShown;
        }

        var shown = text.Length <= longest ? text : text.Substring(0, longest - 3) + "...";
        return "'" + new string(shown.Select(c => char.IsControl(c) ? '?' : c).ToArray()) + "'";
    }
}
