using System.Globalization;

namespace Ptvsd.Benchmarks;

/// <summary>Prints both proxy payloads' size, cold start and idle memory against the Linux payload's targets.</summary>
internal static class PayloadReport
{
    public const double MaxLinuxPayloadMebibytes = 20;
    public const double MaxColdStartMilliseconds = 300;
    public const double MaxIdleRssMebibytes = 60;

    /// <summary>Writes the table; returns whether every target was met.</summary>
    public static bool Write(TextWriter writer, IReadOnlyList<PayloadResult> payloads)
    {
        writer.WriteLine();
        writer.WriteLine($"Proxy payloads from the packed Ptvsd.Azure.Sdk: size on disk, cold start to the first accepted connection (median of {PayloadBenchmark.ColdStarts}), RSS after {PayloadBenchmark.IdleTime.TotalSeconds:0} s idle");
        writer.WriteLine("   payload                                                             size    cold start ms (median; runs)          idle RSS");
        foreach (var payload in payloads)
        {
            var runs = string.Join(' ', payload.ColdStartMilliseconds.Select(ms => ms.ToString("0", CultureInfo.InvariantCulture)));
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"   {payload.Name,-64} {Mebibytes(payload.SizeBytes),6:0.0} MiB  {payload.MedianColdStart,5:0} ({runs})   {Mebibytes(payload.IdleRssBytes),5:0.0} MiB"));
        }

        var linux = payloads[^1];
        var sizeMet = Mebibytes(linux.SizeBytes) < MaxLinuxPayloadMebibytes;
        var startMet = payloads.All(p => p.MedianColdStart < MaxColdStartMilliseconds);
        var rssMet = payloads.All(p => Mebibytes(p.IdleRssBytes) < MaxIdleRssMebibytes);
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"   target: Linux payload < {MaxLinuxPayloadMebibytes:0} MiB: {Verdict(sizeMet)}; cold start < {MaxColdStartMilliseconds:0} ms (both): {Verdict(startMet)}; idle RSS < {MaxIdleRssMebibytes:0} MiB (both): {Verdict(rssMet)}"));
        return sizeMet && startMet && rssMet;
    }

    // Binary units, as /proc reports memory (in KiB); the README gives the targets in the same unit.
    private static double Mebibytes(long bytes) => bytes / 1_048_576.0;

    private static string Verdict(bool met) => met ? "met" : "MISSED";
}
