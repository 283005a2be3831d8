using Ptvsd.Contract;

namespace Ptvsd.Attach.Target;

/// <summary>The attach URI as the user gives it on the command line.</summary>
internal static class AttachUriArgument
{
    /// <summary>Parses <paramref name="text"/>; a user mistake is a <see cref="UsageException"/> naming it and the accepted forms.</summary>
    public static AttachUri Parse(string? text) =>
        AttachUriParser.TryParse(text, out var uri, out var problem)
            ? uri
            : throw new UsageException($"the attach URI {problem}. Accepted forms: {AttachUriParser.AcceptedForms}");
}
