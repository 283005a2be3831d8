using System.Diagnostics;
using System.Net;
using Ptvsd.Testing;

namespace Ptvsd.Benchmarks;

/// <summary>One wrk run against one configuration, with the CPU time the front proxy and the app spent on it.</summary>
/// <param name="FrontCpuSeconds">The front proxy's processes (none when wrk talks to the app directly).</param>
/// <param name="AppCpuSeconds">gunicorn's master and worker.</param>
public sealed record ForwardingRun(WrkRun Load, double FrontCpuSeconds, double AppCpuSeconds)
{
    public double FrontCpuMicrosecondsPerRequest => FrontCpuSeconds * 1_000_000 / Load.Requests;

    public double AppCpuMicrosecondsPerRequest => AppCpuSeconds * 1_000_000 / Load.Requests;
}

/// <summary>The runs of one configuration: direct, through the proxy, or through nginx.</summary>
/// <param name="HasFront">Whether a proxy stands between wrk and the app, whose CPU time is then measured.</param>
/// <param name="Unavailable">Why the configuration was not measured (nginx not installed); null when it was.</param>
public sealed record ForwardingResult(string Name, bool HasFront, IReadOnlyList<ForwardingRun> Runs, string? Unavailable = null)
{
    public double MedianRequestsPerSecond => Median(run => run.Load.RequestsPerSecond);

    /// <summary>Half the spread between the slowest and the fastest run: the run-to-run noise.</summary>
    public double RequestsPerSecondHalfRange => (Runs.Max(run => run.Load.RequestsPerSecond) - Runs.Min(run => run.Load.RequestsPerSecond)) / 2;

    public double MedianP50Milliseconds => Median(run => run.Load.P50Milliseconds);

    public double MedianP99Milliseconds => Median(run => run.Load.P99Milliseconds);

    public double MedianFrontCpuMicrosecondsPerRequest => Median(run => run.FrontCpuMicrosecondsPerRequest);

    public double MedianAppCpuMicrosecondsPerRequest => Median(run => run.AppCpuMicrosecondsPerRequest);

    public long Errors => Runs.Sum(run => run.Load.SocketErrors + run.Load.StatusErrors);

    private double Median(Func<ForwardingRun, double> figure) => Statistics.Median([.. Runs.Select(figure)]);
}

/// <summary>What the forwarding section came to: its figures, or why it did not run.</summary>
public abstract record ForwardingOutcome;

public sealed record ForwardingSkipped(string Reason) : ForwardingOutcome;

/// <param name="Tools">The load generator, app server and reference proxy with their versions, for the report's header.</param>
/// <param name="ProxyProblems">The warnings and errors the proxy logged during the runs.</param>
public sealed record ForwardingResults(
    string Tools,
    ForwardingResult Direct,
    ForwardingResult Proxy,
    ForwardingResult Nginx,
    IReadOnlyList<string> ProxyProblems,
    TimeSpan Elapsed,
    string LoadAtStart) : ForwardingOutcome;

/// <summary>
/// Requests per second and CPU time per request of a small real app (Flask under gunicorn) loaded by wrk: directly,
/// through the proxy, and through nginx, the reference reverse proxy. Everything runs as its own process on this
/// machine; the configurations take turns, run by run, so other work on the cores weighs on all of them alike.
/// CPU time is each process tree's utime + stime from /proc, sampled before and after each run.
/// </summary>
internal static class ForwardingBenchmark
{
    public const int Runs = 5;
    public static readonly TimeSpan RunDuration = TimeSpan.FromSeconds(10);

    // Not recorded: the proxy's JIT tiers up, and each front fills its pool of connections to the app.
    public static readonly TimeSpan WarmUpDuration = TimeSpan.FromSeconds(3);

    public const string DirectName = "wrk → gunicorn (direct)";
    public const string ProxyName = "wrk → proxy → gunicorn";
    public const string NginxName = "(reference) wrk → nginx → gunicorn";

    public static async Task<ForwardingOutcome> MeasureAsync(PythonEnvironment python, CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux())
        {
            return new ForwardingSkipped("it runs on Linux only (CPU time comes from /proc)");
        }

        if (ExecutableSearch.Find("wrk") is not { } wrkPath)
        {
            return new ForwardingSkipped("wrk is not installed (apt-get install wrk; ./build.sh bench installs it when run as root)");
        }

        if (await GunicornApp.VersionAsync(python, cancellationToken) is not { } gunicornVersion)
        {
            return new ForwardingSkipped($"{python.Path} cannot import gunicorn (apt-get install gunicorn, or set PTVSD_PYTHON)");
        }

        var started = Stopwatch.GetTimestamp();
        var loadAtStart = Report.LoadAverage();
        var nginxPath = ExecutableSearch.Find("nginx");
        var folder = Directory.CreateTempSubdirectory("ptvsd-bench-forwarding-").FullName;
        try
        {
            var wrk = await Wrk.CreateAsync(wrkPath, folder, cancellationToken);
            var ticksPerSecond = await ProcessCpu.TicksPerSecondAsync(cancellationToken);
            var nginxVersion = nginxPath is null ? null : await NginxProxy.VersionAsync(nginxPath, cancellationToken);
            var tools = $"{wrk.Version}; gunicorn {gunicornVersion}, Flask {python.FlaskVersion} on {python.Path}; "
                + (nginxVersion ?? "nginx not installed");

            // Disposed in reverse order, before the folder they work in is deleted: no process outlives the section.
            await using var app = await GunicornApp.StartAsync(python, folder, cancellationToken);
            await using var proxy = await ProxyProcess.StartAsync(app.Url, cancellationToken);
            await using var nginx = nginxPath is null ? null : await NginxProxy.StartAsync(nginxPath, app.Url, folder, cancellationToken);

            var targets = new List<LoadTarget>
            {
                new(DirectName, app.Url, FrontProcessId: null),
                new(ProxyName, proxy.Url, proxy.ProcessId),
            };
            if (nginx is not null)
            {
                targets.Add(new(NginxName, nginx.Url, nginx.ProcessId));
            }

            foreach (var target in targets)
            {
                await RequireOkAsync(target, cancellationToken);
                await wrk.RunAsync(target.Url, WarmUpDuration, cancellationToken);
            }

            var runs = targets.ToDictionary(target => target, _ => new List<ForwardingRun>());
            for (var run = 0; run < Runs; run++)
            {
                foreach (var target in targets)
                {
                    runs[target].Add(await MeasureRunAsync(wrk, target, app.ProcessId, ticksPerSecond, cancellationToken));
                }
            }

            var results = targets.Select(target => new ForwardingResult(target.Name, target.FrontProcessId is not null, runs[target])).ToList();
            var nginxResult = nginx is null
                ? new ForwardingResult(NginxName, HasFront: true, [], "nginx is not installed (apt-get install nginx)")
                : results[2];
            return new ForwardingResults(
                tools, results[0], results[1], nginxResult, proxy.Problems, Stopwatch.GetElapsedTime(started), loadAtStart);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<ForwardingRun> MeasureRunAsync(Wrk wrk, LoadTarget target, int appProcessId, double ticksPerSecond, CancellationToken cancellationToken)
    {
        // Sampled while wrk is not running: the trees are idle then, so the samples' order does not matter.
        var appBefore = ProcessCpu.Sample(appProcessId, ticksPerSecond);
        var frontBefore = target.FrontProcessId is { } front ? ProcessCpu.Sample(front, ticksPerSecond) : null;
        var load = await wrk.RunAsync(target.Url, RunDuration, cancellationToken);
        return new ForwardingRun(load, frontBefore?.SecondsUsedSince() ?? 0, appBefore.SecondsUsedSince());
    }

    // A front that answers 502 (app unreachable) or 404 would make wrk count fast errors as requests.
    private static async Task RequireOkAsync(LoadTarget target, CancellationToken cancellationToken)
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync(target.Url, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new InvalidOperationException($"{target.Name}: GET {target.Url} answered {(int)response.StatusCode}, not 200: {body}");
        }
    }

    /// <summary>Where wrk sends its load, and the process tree (if any) that stands in front of the app there.</summary>
    private sealed record LoadTarget(string Name, Uri Url, int? FrontProcessId);
}
