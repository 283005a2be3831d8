using System.Globalization;

namespace Ptvsd.Benchmarks;

/// <summary>
/// Prints both proxy payloads' size, cold start and idle memory, and checks the Linux payload (the one hosts without
/// .NET get) against its targets; the assembly's figures are the reference.
/// </summary>
internal static class PayloadReport
{
    public const double MaxLinuxPayloadMegabytes = 20;
    public const double MaxColdStartMilliseconds = 300;
    public const double MaxIdleRssMegabytes = 60;

    /// <summary>Writes the table; returns whether every target was met.</summary>
    public static bool Write(TextWriter writer, IReadOnlyList<PayloadResult> payloads)
    {
        writer.WriteLine();
        writer.WriteLine($"Proxy payloads from the packed Ptvsd.Azure.Sdk: size on disk, cold start to the first accepted connection (median of {PayloadBenchmark.ColdStarts}), RSS after {PayloadBenchmark.IdleTime.TotalSeconds:0} s idle");
        writer.WriteLine("   payload                                                         size (MB = 10^6 B)  cold start ms (median; runs)              idle RSS");
        foreach (var payload in payloads)
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"   {payload.Name,-64} {Megabytes(payload.SizeBytes),6:0.0} MB  {payload.MedianColdStart,5:0} ({Report.Runs(payload.ColdStartMilliseconds)})   {Megabytes(payload.IdleRssBytes),5:0.0} MB"));
        }

        var linux = payloads[^1];
        var sizeMet = Megabytes(linux.SizeBytes) < MaxLinuxPayloadMegabytes;
        var startMet = linux.MedianColdStart < MaxColdStartMilliseconds;
        var rssMet = Megabytes(linux.IdleRssBytes) < MaxIdleRssMegabytes;
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"   target, {linux.Name}: size < {MaxLinuxPayloadMegabytes:0} MB: {Report.Verdict(sizeMet)}; cold start < {MaxColdStartMilliseconds:0} ms: {Report.Verdict(startMet)}; idle RSS < {MaxIdleRssMegabytes:0} MB: {Report.Verdict(rssMet)}"));
        return sizeMet && startMet && rssMet;
    }

    // Decimal megabytes, the unit the targets are given in (1 MiB = 1.048576 MB).
    private static double Megabytes(long bytes) => bytes / 1_000_000.0;
}
