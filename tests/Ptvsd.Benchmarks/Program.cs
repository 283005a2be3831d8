using System.Diagnostics;
using Ptvsd.Benchmarks;
using Ptvsd.Testing;

// Progress goes to stderr, the report to stdout, so `> results.txt` keeps just the table.
// Captured here because the proxy phase swaps the console writers (see ConsoleCapture).
var progress = Console.Error;
if (!BenchmarkSections.TryParse(args, out var sections))
{
    progress.WriteLine($"usage: dotnet run --project tests/Ptvsd.Benchmarks -c Release [-- SECTION ...]   (sections: {string.Join(", ", BenchmarkSections.All)}; none: all of them)");
    return 2;
}

// A broken run must not hang a CI job; a full run takes minutes on 2 cores, about three of them for the forwarding section.
using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(15));
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

try
{
    await RunAsync(sections, progress, cancellation.Token);

    // A missed target is a finding, not a failed run: the exit code says only whether the benchmarks ran.
    return 0;
}
catch (Exception ex)
{
    progress.WriteLine($"error: the benchmarks did not complete: {ex}");
    return 1;
}

static async Task RunAsync(IReadOnlySet<string> sections, TextWriter progress, CancellationToken cancellationToken)
{
    var python = PythonEnvironment.Require();

    // The proxy starts the app with this process's environment: no __pycache__ in the sample's folder.
    Environment.SetEnvironmentVariable("PYTHONDONTWRITEBYTECODE", "1");

    var allMet = true;
    if (sections.Contains(BenchmarkSections.Relay))
    {
        allMet &= await RunRelayAsync(python, progress, cancellationToken);
    }

    if (sections.Contains(BenchmarkSections.Publish))
    {
        progress.WriteLine($"publish: samples/FlaskHello with and without Ptvsd.Azure.Sdk, Debug and Release, {PublishBenchmark.Runs} runs each...");
        var publishTimings = await PublishBenchmark.MeasureAsync(cancellationToken);
        allMet &= PublishReport.Write(Console.Out, publishTimings);
    }

    if (sections.Contains(BenchmarkSections.Payloads))
    {
        progress.WriteLine($"payloads: size, {PayloadBenchmark.ColdStarts} cold starts and idle memory of both proxy payloads...");
        var payloads = await PayloadBenchmark.MeasureAsync(cancellationToken);
        allMet &= PayloadReport.Write(Console.Out, payloads);
    }

    if (sections.Contains(BenchmarkSections.Forwarding))
    {
        progress.WriteLine($"forwarding: wrk against gunicorn directly, through the proxy and through nginx, {ForwardingBenchmark.Runs} runs of "
            + $"{ForwardingBenchmark.RunDuration.TotalSeconds:0} s each...");
        var forwarding = await ForwardingBenchmark.MeasureAsync(python, cancellationToken);
        allMet &= ForwardingReport.Write(Console.Out, forwarding);
    }

    if (sections.Contains(BenchmarkSections.Tool))
    {
        progress.WriteLine($"tool: ptvsd packed and installed as a .NET tool, {ToolBenchmark.Runs} cold starts of each case...");
        var starts = await ToolBenchmark.MeasureAsync(cancellationToken);
        allMet &= ToolReport.Write(Console.Out, starts);
    }

    Console.Out.WriteLine(allMet ? "All targets met." : "Some targets were missed (see above).");
}

// Latency, throughput and debugger sessions: the relay's figures, in one table.
static async Task<bool> RunRelayAsync(PythonEnvironment python, TextWriter progress, CancellationToken cancellationToken)
{
    var started = Stopwatch.GetTimestamp();
    var loadAtStart = Report.LoadAverage();
    var warnings = new ProxyWarnings();
    IReadOnlyList<LatencyResult> latency;
    IReadOnlyList<ThroughputResult> throughput;
    IReadOnlyList<string> bridgeErrors;
    await using (var echo = new TcpEchoServer())
    await using (var relay = new TcpRelay(echo.EndPoint))
    await using (var proxy = await BenchmarkProxy.StartAsync(echo.Port, warnings, configure: null, cancellationToken))
    await using (var bridge = new BenchmarkBridge(proxy))
    await using (var proxyProcess = await ProxyProcess.StartRelayAsync(echo.EndPoint, cancellationToken))
    await using (var websockify = await WebsockifyRelay.StartAsync(echo.EndPoint, cancellationToken))
    {
        // In the order of BenchmarkResults: direct, plain relay, proxy, ptvsd attach + proxy.
        EchoPath[] paths =
        [
            new("direct", token => EchoChannel.ConnectTcpAsync(echo.EndPoint, token)),
            new("plain TCP relay", token => EchoChannel.ConnectTcpAsync(relay.EndPoint, token)),
            new("proxy", token => EchoChannel.ConnectThroughProxyAsync(proxy, token)),
            new("ptvsd attach + proxy", token => EchoChannel.ConnectTcpAsync(bridge.EndPoint, token)),
        ];

        // websockify, the reference for the proxy's added latency, runs as its own process: so does the proxy it is
        // compared with, as a host runs it. Both join the latency turns only.
        EchoPath[] latencyPaths =
        [
            .. paths,
            new("proxy, own process", token => EchoChannel.ConnectWebSocketAsync(proxyProcess.DebugUri, proxyProcess.Authorization, token)),
            .. websockify is null ? Array.Empty<EchoPath>() : [new("websockify", token => EchoChannel.ConnectWebSocketAsync(websockify.Url, null, token))],
        ];
        progress.WriteLine($"1/4 latency (direct, plain relay, proxy, attach + proxy, proxy in its own process{(websockify is null ? "" : " and websockify")} take turns)...");
        latency = await RelayBenchmark.MeasureLatencyAsync(latencyPaths, cancellationToken);
        progress.WriteLine("2/4 throughput (direct, plain relay, proxy and attach + proxy take turns)...");
        throughput = await RelayBenchmark.MeasureThroughputAsync(paths, cancellationToken);
        bridgeErrors = bridge.Errors;
    }

    progress.WriteLine("3/4 debugger sessions, stock debugpy...");
    var stockSession = await DapSessionBenchmark.StockDebugpyAsync(python, cancellationToken);
    progress.WriteLine("4/4 debugger sessions, through the proxy (TCP_NODELAY on pydevd's socket only, then on the adapter's too)...");
    var pydevdOnlySession = await DapSessionBenchmark.ThroughProxyAsync(python, warnings, "pydevd", cancellationToken);
    var proxySession = await DapSessionBenchmark.ThroughProxyAsync(python, warnings, "all", cancellationToken);

    var results = new BenchmarkResults(
        latency[0], latency[1], latency[2], latency[3], latency[4], latency.Count > 5 ? latency[5] : null,
        throughput[0], throughput[1], throughput[2], throughput[3], stockSession, pydevdOnlySession, proxySession);
    return Report.Write(Console.Out, results, python, [.. warnings.Entries, .. bridgeErrors], Stopwatch.GetElapsedTime(started), loadAtStart);
}
