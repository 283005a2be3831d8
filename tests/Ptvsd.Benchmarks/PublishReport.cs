using System.Globalization;

namespace Ptvsd.Benchmarks;

/// <summary>Prints the publish timings: with and without the SDK, per configuration, against the targets.</summary>
internal static class PublishReport
{
    public const double MaxAddedDebugSeconds = 0.3;

    /// <summary>Writes the table; returns whether both targets were met.</summary>
    public static bool Write(TextWriter writer, IReadOnlyList<PublishTiming> timings)
    {
        writer.WriteLine();
        writer.WriteLine($"dotnet publish of samples/FlaskHello (Microsoft.Build.NoTargets), median of {PublishBenchmark.Runs} runs each, a fresh `dotnet` process per run");
        writer.WriteLine("   configuration   without SDK   with SDK   added by the SDK   run-to-run noise (half of max−min)");
        var results = new Dictionary<string, (double Added, double Noise)>();
        foreach (var configuration in timings.Select(t => t.Configuration).Distinct())
        {
            var without = timings.Single(t => t.Configuration == configuration && !t.WithSdk);
            var with = timings.Single(t => t.Configuration == configuration && t.WithSdk);
            var added = with.Median - without.Median;
            var noise = Math.Max(without.HalfRange, with.HalfRange);
            results[configuration] = (added, noise);
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"   {configuration,-13}   {without.Median,9:0.000} s   {with.Median,6:0.000} s   {added,+14:+0.000;-0.000} s   ±{noise:0.000} s"));
        }

        var debug = results["Debug"];
        var release = results["Release"];
        var debugMet = debug.Added < MaxAddedDebugSeconds;
        // "Nothing measurable": the difference of the medians is within the run-to-run noise.
        var releaseMet = Math.Abs(release.Added) <= release.Noise;
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"   target: Debug adds < {MaxAddedDebugSeconds:0.0} s: {Report.Verdict(debugMet)} ({debug.Added:+0.000;-0.000} s)"));
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"   target: Release adds nothing measurable (|added| ≤ noise): {Report.Verdict(releaseMet)} ({release.Added:+0.000;-0.000} s, noise ±{release.Noise:0.000} s)"));
        return debugMet && releaseMet;
    }
}
