namespace Ptvsd.Benchmarks;

/// <summary>A plain-text table: the first column left-aligned, the others right-aligned, two spaces apart.</summary>
internal sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [headers];

    public TextTable Add(params string[] cells)
    {
        _rows.Add(cells);
        return this;
    }

    public void WriteTo(TextWriter writer, string indent = "   ")
    {
        var columns = _rows.Max(row => row.Length);
        var widths = Enumerable.Range(0, columns).Select(c => _rows.Max(row => c < row.Length ? row[c].Length : 0)).ToArray();
        foreach (var row in _rows)
        {
            var cells = row.Select((cell, c) => c == 0 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]));
            writer.WriteLine(indent + string.Join("  ", cells).TrimEnd());
        }
    }
}
