using System.Globalization;

namespace Ptvsd.Benchmarks;

/// <summary>Prints <c>ptvsd</c>'s cold starts and checks each against the start-up target.</summary>
internal static class ToolReport
{
    public const double MaxColdStartMilliseconds = 300;

    /// <summary>Writes the table; returns whether every case met the target.</summary>
    public static bool Write(TextWriter writer, IReadOnlyList<ToolStart> starts)
    {
        writer.WriteLine();
        writer.WriteLine($"ptvsd, installed with dotnet tool install --tool-path: process start to its exit (or its first line), median of {ToolBenchmark.Runs}");
        writer.WriteLine("   case                                                          median ms  / target  runs");
        foreach (var start in starts)
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"   {start.Name,-62} {start.Median,9:0}  {start.Median / MaxColdStartMilliseconds,7:0.00}×  ({Report.Runs(start.Milliseconds)})"));
        }

        var met = starts.All(start => start.Median < MaxColdStartMilliseconds);
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   target: every case < {MaxColdStartMilliseconds:0} ms: {Report.Verdict(met)}"));
        return met;
    }
}
