using System.Globalization;
using Ptvsd.Testing;

namespace Ptvsd.Benchmarks;

/// <summary>
/// Prints the forwarding figures: requests/s and CPU time per request directly, through the proxy and through nginx,
/// and checks the proxy against its targets (its cost against nginx's, its throughput against direct).
/// </summary>
internal static class ForwardingReport
{
    public const double MaxCpuRatioToNginx = 2.5;

    /// <summary>Writes the section; returns whether every target that could be measured was met.</summary>
    public static bool Write(TextWriter writer, ForwardingOutcome outcome)
    {
        writer.WriteLine();
        if (outcome is ForwardingSkipped skipped)
        {
            writer.WriteLine($"Forwarding benchmark skipped: {skipped.Reason}");
            return true;
        }

        var results = (ForwardingResults)outcome;
        var (direct, proxy, nginx) = (results.Direct, results.Proxy, results.Nginx);
        writer.WriteLine($"Forwarding: GET / of a Flask app under gunicorn (1 worker, {GunicornApp.Threads} gthread threads), "
            + $"wrk -t{Wrk.Threads} -c{Wrk.Connections} -d{ForwardingBenchmark.RunDuration.TotalSeconds:0}s ({results.Elapsed.TotalSeconds:0} s)");
        writer.WriteLine($"   median of {ForwardingBenchmark.Runs} runs per configuration, configurations taking turns after a "
            + $"{ForwardingBenchmark.WarmUpDuration.TotalSeconds:0} s warm-up each; wrk, the fronts and the app all share the {Environment.ProcessorCount} cores");
        writer.WriteLine($"   tools    {results.Tools}");
        writer.WriteLine($"   proxy    {Path.GetRelativePath(RepoPaths.Root, ProxyProcess.AssemblyPath)} ({ProxyProcess.BuildConfiguration}), its own process run with dotnet; no access log");
        writer.WriteLine($"   nginx    its own process, worker_processes {NginxProxy.WorkerProcesses}, HTTP/1.1 keep-alive upstream (keepalive {NginxProxy.UpstreamKeepAlive}), access_log off");
        writer.WriteLine("   CPU µs/req = a process tree's utime + stime (/proc/PID/stat) during a run / requests wrk counted in it;");
        writer.WriteLine("   front = the proxy's process, or nginx's master and workers; app = gunicorn's master and worker");
        writer.WriteLine($"   load     {results.LoadAtStart} at start, {Report.LoadAverage()} at end (1-min load average: other work sharing the cores skews every figure)");

        var table = new TextTable("configuration", "req/s", "runs req/s", "/ direct", "p50 ms", "p99 ms", "front CPU µs/req", "app CPU µs/req", "errors");
        foreach (var result in new[] { direct, proxy, nginx }.Where(result => result.Unavailable is null))
        {
            table.Add(
                result.Name,
                Rate(result.MedianRequestsPerSecond),
                string.Join(" ", result.Runs.Select(run => Rate(run.Load.RequestsPerSecond))),
                Ratio(result.MedianRequestsPerSecond / direct.MedianRequestsPerSecond),
                Ms(result.MedianP50Milliseconds),
                Ms(result.MedianP99Milliseconds),
                result.HasFront ? Us(result.MedianFrontCpuMicrosecondsPerRequest) : "—",
                Us(result.MedianAppCpuMicrosecondsPerRequest),
                result.Errors.ToString(CultureInfo.InvariantCulture));
        }

        double? cpuRatio = nginx.Unavailable is null ? proxy.MedianFrontCpuMicrosecondsPerRequest / nginx.MedianFrontCpuMicrosecondsPerRequest : null;
        if (cpuRatio is { } ratio)
        {
            table.Add("proxy / nginx", "", "", "", "", "", Ratio(ratio), "", "");
        }

        table.WriteTo(writer);
        if (nginx.Unavailable is { } reason)
        {
            writer.WriteLine($"   {nginx.Name}: not measured, {reason}");
        }

        if (direct.Errors + proxy.Errors + nginx.Errors > 0)
        {
            writer.WriteLine("   errors = socket errors and non-2xx/3xx responses over all runs; wrk counts them as requests, so those rows' figures are suspect");
        }

        var throughputRatio = proxy.MedianRequestsPerSecond / direct.MedianRequestsPerSecond;
        var difference = proxy.MedianRequestsPerSecond - direct.MedianRequestsPerSecond;

        // "Unchanged": the medians differ by no more than the runs of either configuration spread (as the publish
        // benchmark judges "nothing measurable").
        var noise = Math.Max(direct.RequestsPerSecondHalfRange, proxy.RequestsPerSecondHalfRange);
        // The proxy must cost the app no throughput; being faster (gunicorn serves the proxy's pooled connections
        // more cheaply than wrk's) is no miss.
        var throughputMet = difference >= -noise;
        var cpuMet = cpuRatio is not { } measured || measured <= MaxCpuRatioToNginx;

        writer.WriteLine();
        writer.WriteLine("   Targets");
        new TextTable("target", "measured", "")
            .Add(
                $"proxy CPU per request at most {MaxCpuRatioToNginx:0.0}× nginx's",
                cpuRatio is { } cpu ? $"{Ratio(cpu)} ({Us(proxy.MedianFrontCpuMicrosecondsPerRequest)} vs {Us(nginx.MedianFrontCpuMicrosecondsPerRequest)} µs)" : "nginx not measured",
                cpuRatio is null ? "n/a" : Report.Verdict(cpuMet))
            .Add(
                "requests/s through the proxy no lower than direct (within noise)",
                string.Create(CultureInfo.InvariantCulture, $"{Ratio(throughputRatio)} ({difference:+0;-0} req/s, noise ±{noise:0})"),
                Report.Verdict(throughputMet))
            .WriteTo(writer, "      ");

        writer.WriteLine();
        writer.WriteLine(results.ProxyProblems.Count == 0 ? "   Proxy warnings: none" : $"   Proxy warnings ({results.ProxyProblems.Count}):");
        foreach (var problem in results.ProxyProblems)
        {
            writer.WriteLine("      " + problem);
        }

        return cpuMet && throughputMet;
    }

    private static string Rate(double requestsPerSecond) => requestsPerSecond.ToString("0", CultureInfo.InvariantCulture);

    private static string Ms(double milliseconds) => milliseconds.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Us(double microseconds) => microseconds.ToString("0", CultureInfo.InvariantCulture);

    private static string Ratio(double ratio) => ratio.ToString("0.00", CultureInfo.InvariantCulture) + "×";
}
