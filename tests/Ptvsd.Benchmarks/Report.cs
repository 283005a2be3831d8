using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using Ptvsd.Testing;

namespace Ptvsd.Benchmarks;

/// <param name="RelayLatency">Through a plain TCP relay: a reference, not part of any target.</param>
/// <param name="AttachLatency">A plain TCP client through <c>ptvsd attach</c>'s bridge and then the proxy: both hops.</param>
/// <param name="ProxyProcessLatency">Through the proxy in its own process, as a host runs it.</param>
/// <param name="WebsockifyLatency">Through websockify (its own process), the reference WebSocket relay; null when it is not installed.</param>
/// <param name="RelayThroughput">Through a plain TCP relay: a reference, not part of any target.</param>
/// <param name="AttachThroughput">Through <c>ptvsd attach</c>'s bridge and then the proxy.</param>
public sealed record BenchmarkResults(
    LatencyResult DirectLatency,
    LatencyResult RelayLatency,
    LatencyResult ProxyLatency,
    LatencyResult AttachLatency,
    LatencyResult ProxyProcessLatency,
    LatencyResult? WebsockifyLatency,
    ThroughputResult DirectThroughput,
    ThroughputResult RelayThroughput,
    ThroughputResult ProxyThroughput,
    ThroughputResult AttachThroughput,
    DapSessionResult StockSession,
    DapSessionResult PydevdOnlySession,
    DapSessionResult ProxySession);

/// <summary>Prints the results as one table, ending with the targets and whether each is met.</summary>
internal static class Report
{
    public const double MinThroughputRatio = 0.5;
    public const double MaxAddedLatencyMicroseconds = 100;
    public const double MaxSessionRatio = 0.25;

    // ptvsd attach + proxy: two hops, so a looser bound than the proxy's alone.
    public const double MinAttachThroughputRatio = 0.4;
    public const double MaxAttachAddedLatencyMicroseconds = 150;

    private const string Direct = "direct TCP → echo server";
    private const string ThroughRelay = "(reference) TCP → plain TCP relay → echo server";
    private const string ThroughProxy = "WebSocket → proxy /ptvsd → echo server";
    private const string ThroughAttach = "TCP → ptvsd attach → WebSocket → proxy → echo server";
    private const string ThroughProxyProcess = "WebSocket → proxy /ptvsd (own process) → echo server";
    private const string ThroughWebsockify = "(reference) WebSocket → websockify (own process) → echo server";

    /// <summary>Writes the report; returns whether every target was met.</summary>
    public static bool Write(
        TextWriter writer, BenchmarkResults results, PythonEnvironment python, IReadOnlyCollection<string> proxyWarnings, TimeSpan elapsed, string loadAtStart)
    {
        writer.WriteLine();
        writer.WriteLine($"Ptvsd.WebSocketProxy and ptvsd attach benchmarks ({elapsed.TotalSeconds:0} s)");
        writer.WriteLine($"   machine  {Environment.ProcessorCount} cores{CpuModel()}, {RuntimeInformation.OSDescription}");
        writer.WriteLine($"   .NET     {RuntimeInformation.FrameworkDescription}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC; proxy, ptvsd attach's bridge, echo server and clients in this one process");
        writer.WriteLine($"   Python   {python.Path}, debugpy {python.DebugpyVersion}, flask {python.FlaskVersion}");
        writer.WriteLine($"   load     {loadAtStart} at start, {LoadAverage()} at end (1-min load average: other work sharing the cores skews every figure)");

        var (directLatency, proxyLatency) = (results.DirectLatency, results.ProxyLatency);
        var attachLatency = results.AttachLatency;
        var addedLatency = proxyLatency.P50Microseconds - directLatency.P50Microseconds;
        var attachAddedLatency = attachLatency.P50Microseconds - directLatency.P50Microseconds;
        var processAddedLatency = results.ProxyProcessLatency.P50Microseconds - directLatency.P50Microseconds;
        var websockify = results.WebsockifyLatency;
        var websockifyAddedLatency = websockify?.P50Microseconds - directLatency.P50Microseconds;
        var websockifyMet = websockifyAddedLatency is not { } websockifyBound || processAddedLatency <= websockifyBound;
        writer.WriteLine();
        writer.WriteLine($"1. Round-trip latency: one {RelayBenchmark.MessageSize}-byte message out, wait for its echo; "
            + $"{RelayBenchmark.LatencyRoundTrips:N0} round trips per path after {RelayBenchmark.LatencyWarmUp:N0} warm-up, paths taking turns");
        new TextTable("path", "p50 µs", "p99 µs")
            .Add(Direct, Us(directLatency.P50Microseconds), Us(directLatency.P99Microseconds))
            .Add(ThroughRelay, Us(results.RelayLatency.P50Microseconds), Us(results.RelayLatency.P99Microseconds))
            .Add(ThroughProxy, Us(proxyLatency.P50Microseconds), Us(proxyLatency.P99Microseconds))
            .Add(ThroughAttach, Us(attachLatency.P50Microseconds), Us(attachLatency.P99Microseconds))
            .Add(ThroughProxyProcess, Us(results.ProxyProcessLatency.P50Microseconds), Us(results.ProxyProcessLatency.P99Microseconds))
            .Add(ThroughWebsockify, websockify is null ? "not installed (apt-get install websockify)" : Us(websockify.P50Microseconds),
                websockify is null ? "" : Us(websockify.P99Microseconds))
            .Add("added by the proxy", Us(addedLatency), Us(proxyLatency.P99Microseconds - directLatency.P99Microseconds))
            .Add("added by the proxy in its own process", Us(processAddedLatency), Us(results.ProxyProcessLatency.P99Microseconds - directLatency.P99Microseconds))
            .Add("added by websockify", websockifyAddedLatency is { } added ? Us(added) : "—",
                websockify is null ? "" : Us(websockify.P99Microseconds - directLatency.P99Microseconds))
            .Add("added by ptvsd attach + proxy", Us(attachAddedLatency), Us(attachLatency.P99Microseconds - directLatency.P99Microseconds))
            .Add("proxy / direct", Ratio(proxyLatency.P50Microseconds / directLatency.P50Microseconds), Ratio(proxyLatency.P99Microseconds / directLatency.P99Microseconds))
            .Add("attach + proxy / direct", Ratio(attachLatency.P50Microseconds / directLatency.P50Microseconds), Ratio(attachLatency.P99Microseconds / directLatency.P99Microseconds))
            .WriteTo(writer);

        var (directThroughput, proxyThroughput) = (results.DirectThroughput, results.ProxyThroughput);
        var attachThroughput = results.AttachThroughput;
        var throughputRatio = proxyThroughput.MegabytesPerSecond / directThroughput.MegabytesPerSecond;
        var attachThroughputRatio = attachThroughput.MegabytesPerSecond / directThroughput.MegabytesPerSecond;
        writer.WriteLine();
        writer.WriteLine($"2. Throughput: {RelayBenchmark.ThroughputBytes / (1024 * 1024)} MiB sent in {RelayBenchmark.ChunkSize / 1024} KiB writes while the echo is read back; "
            + $"MB/s = payload bytes (counted once) / 10^6 / seconds to the last echoed byte; median of {RelayBenchmark.ThroughputRuns} runs per path, paths taking turns");
        writer.WriteLine("   CPU s/GiB = this process's CPU time (client, relay or proxy, echo server alike) per GiB echoed");
        new TextTable("path", "MB/s", "runs MB/s", "CPU s/GiB")
            .Add(Direct, Mbps(directThroughput.MegabytesPerSecond), Runs(directThroughput), Cpu(directThroughput))
            .Add(ThroughRelay, Mbps(results.RelayThroughput.MegabytesPerSecond), Runs(results.RelayThroughput), Cpu(results.RelayThroughput))
            .Add(ThroughProxy, Mbps(proxyThroughput.MegabytesPerSecond), Runs(proxyThroughput), Cpu(proxyThroughput))
            .Add(ThroughAttach, Mbps(attachThroughput.MegabytesPerSecond), Runs(attachThroughput), Cpu(attachThroughput))
            .Add("proxy / direct", Ratio(throughputRatio), "", Ratio(proxyThroughput.CpuSecondsPerGibibyte / directThroughput.CpuSecondsPerGibibyte))
            .Add("attach + proxy / direct", Ratio(attachThroughputRatio), "", Ratio(attachThroughput.CpuSecondsPerGibibyte / directThroughput.CpuSecondsPerGibibyte))
            .WriteTo(writer);

        var (stock, pydevdOnly, proxied) = (results.StockSession, results.PydevdOnlySession, results.ProxySession);
        var sessionRatio = proxied.MedianMilliseconds / stock.MedianMilliseconds;
        writer.WriteLine();
        writer.WriteLine("3. Debugger session on samples/FlaskHello: connect, initialize, attach, setBreakpoints, configurationDone, "
            + "GET /?name=… stops, stackTrace + evaluate greeting, continue, response, disconnect;");
        writer.WriteLine($"   median of {DapSessionBenchmark.Sessions} re-attaches to one app process after 1 warm-up");
        new TextTable("path", "median ms", "sessions ms", "refused attaches")
            .Add("stock debugpy.listen, DAP over TCP, GET to the app", Ms(stock.MedianMilliseconds), Runs(stock.SessionMilliseconds), Count(stock.RefusedAttaches))
            .Add("proxy + bootstrap, TCP_NODELAY on pydevd's socket only", Ms(pydevdOnly.MedianMilliseconds), Runs(pydevdOnly.SessionMilliseconds), Count(pydevdOnly.RefusedAttaches))
            .Add("proxy + bootstrap (pydevd's and the adapter's), DAP over WebSocket, GET via proxy", Ms(proxied.MedianMilliseconds), Runs(proxied.SessionMilliseconds), Count(proxied.RefusedAttaches))
            .Add("pydevd only / stock", Ratio(pydevdOnly.MedianMilliseconds / stock.MedianMilliseconds), "", "")
            .Add("proxy / stock", Ratio(sessionRatio), "", "")
            .WriteTo(writer);

        var throughputMet = throughputRatio >= MinThroughputRatio;
        var latencyMet = addedLatency < MaxAddedLatencyMicroseconds;
        var sessionMet = sessionRatio <= MaxSessionRatio;
        var attachThroughputMet = attachThroughputRatio >= MinAttachThroughputRatio;
        var attachLatencyMet = attachAddedLatency < MaxAttachAddedLatencyMicroseconds;
        writer.WriteLine();
        writer.WriteLine("4. Targets");
        new TextTable("target", "measured", "")
            .Add($"throughput through the proxy ≥ {MinThroughputRatio:0.0#}× direct", Ratio(throughputRatio), Verdict(throughputMet))
            .Add($"added p50 latency < {MaxAddedLatencyMicroseconds:0} µs", $"{Us(addedLatency)} µs", Verdict(latencyMet))
            .Add($"DAP session through the proxy ≤ {MaxSessionRatio:0.0#}× stock debugpy's", $"{Ratio(sessionRatio)} ({Ms(proxied.MedianMilliseconds)} vs {Ms(stock.MedianMilliseconds)} ms)", Verdict(sessionMet))
            .Add($"throughput through ptvsd attach + proxy ≥ {MinAttachThroughputRatio:0.0#}× direct", Ratio(attachThroughputRatio), Verdict(attachThroughputMet))
            .Add($"added p50 latency of ptvsd attach + proxy < {MaxAttachAddedLatencyMicroseconds:0} µs", $"{Us(attachAddedLatency)} µs", Verdict(attachLatencyMet))
            .Add("added p50 latency of the proxy ≤ websockify's, both own processes, same run",
                websockifyAddedLatency is { } reference ? $"{Us(processAddedLatency)} vs {Us(reference)} µs" : "websockify not installed",
                websockify is null ? "not measured" : Verdict(websockifyMet))
            .WriteTo(writer);

        writer.WriteLine();
        writer.WriteLine(proxyWarnings.Count == 0 ? "Proxy and ptvsd attach warnings: none" : $"Proxy and ptvsd attach warnings ({proxyWarnings.Count}):");
        foreach (var warning in proxyWarnings)
        {
            writer.WriteLine("   " + warning);
        }

        return throughputMet && latencyMet && sessionMet && attachThroughputMet && attachLatencyMet && websockifyMet;
    }

    private static string Us(double microseconds) => microseconds.ToString("0.0", CultureInfo.InvariantCulture);

    public static string Ms(double milliseconds) => milliseconds.ToString("0", CultureInfo.InvariantCulture);

    private static string Mbps(double megabytesPerSecond) => megabytesPerSecond.ToString("0", CultureInfo.InvariantCulture);

    private static string Runs(ThroughputResult result) => string.Join(" ", result.Runs.Select(Mbps));

    private static string Cpu(ThroughputResult result) => result.CpuSecondsPerGibibyte.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Ratio(double ratio) => ratio.ToString("0.00", CultureInfo.InvariantCulture) + "×";

    private static string Count(int count) => count.ToString(CultureInfo.InvariantCulture);

    public static string Verdict(bool met) => met ? "met" : "MISSED";

    /// <summary>Every run's milliseconds, rounded, in the order they were taken.</summary>
    public static string Runs(IEnumerable<double> milliseconds) => string.Join(" ", milliseconds.Select(Ms));

    /// <summary>The 1-minute load average from /proc/loadavg on Linux; "n/a" elsewhere.</summary>
    public static string LoadAverage()
    {
        const string LoadAvg = "/proc/loadavg";
        return File.Exists(LoadAvg) ? File.ReadAllText(LoadAvg).Split(' ')[0] : "n/a";
    }

    /// <summary>", model name" from /proc/cpuinfo on Linux; nothing elsewhere.</summary>
    private static string CpuModel()
    {
        const string CpuInfo = "/proc/cpuinfo";
        if (!File.Exists(CpuInfo))
        {
            return "";
        }

        var model = File.ReadLines(CpuInfo)
            .FirstOrDefault(line => line.StartsWith("model name", StringComparison.Ordinal))?
            .Split(':', 2)[1].Trim();
        return model is null ? "" : $" ({model})";
    }
}
