namespace Ptvsd.Testing;

/// <summary>Finds lines that samples mark for tests, such as FlaskHello's <c># breakpoint-here</c>.</summary>
public static class SourceMarkers
{
    /// <summary>The comment on the line a debugger test sets its breakpoint on.</summary>
    public const string Breakpoint = "# breakpoint-here";

    /// <summary>The 1-based number of the first line of <paramref name="path"/> that ends with <paramref name="marker"/>.</summary>
    public static int LineOf(string path, string marker = Breakpoint)
    {
        var lines = File.ReadAllLines(path);
        var index = Array.FindIndex(lines, line => line.TrimEnd().EndsWith(marker, StringComparison.Ordinal));
        return index >= 0 ? index + 1 : throw new InvalidOperationException($"{path} has no '{marker}' marker");
    }
}
