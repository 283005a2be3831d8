using System.Diagnostics;

namespace Ptvsd.Benchmarks;

internal static class Statistics
{
    /// <summary>The nearest-rank percentile (0 &lt; <paramref name="fraction"/> ≤ 1) of unsorted samples.</summary>
    public static double Percentile(IReadOnlyCollection<double> samples, double fraction)
    {
        if (samples.Count == 0)
        {
            throw new ArgumentException("No samples.", nameof(samples));
        }

        var sorted = samples.Order().ToArray();
        var rank = (int)Math.Ceiling(fraction * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public static double Median(IReadOnlyCollection<double> samples) => Percentile(samples, 0.5);

    public static double Microseconds(long startTimestamp, long endTimestamp) =>
        (endTimestamp - startTimestamp) * 1_000_000.0 / Stopwatch.Frequency;
}
