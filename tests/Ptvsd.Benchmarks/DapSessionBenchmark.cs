using System.Diagnostics;
using System.Net;
using Ptvsd.Testing;

namespace Ptvsd.Benchmarks;

public sealed record DapSessionResult(double MedianMilliseconds, IReadOnlyList<double> SessionMilliseconds, int RefusedAttaches);

/// <summary>
/// The wall time of a whole debugger session against samples/FlaskHello: connect, initialize, attach,
/// setBreakpoints on the marker line, configurationDone, an HTTP GET that stops there, stackTrace and
/// evaluate <c>greeting</c>, continue, the HTTP response, disconnect. Each session detaches
/// (<c>terminateDebuggee: false</c>) and the next re-attaches to the same app process.
/// </summary>
internal static class DapSessionBenchmark
{
    public const int Sessions = 5;
    private const string Name = "bench";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan SessionTimeout = TimeSpan.FromSeconds(30);

    // debugpy refuses a re-attach ("already being debugged") until it has noticed the last client is gone.
    private static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(10);

    // Untimed, between sessions, so that refusal is rare and the next session starts on a settled debuggee.
    private static readonly TimeSpan PauseBetweenSessions = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Stock debugpy: the app started under <c>debugpy.listen</c> without our bootstrap, so pydevd's socket
    /// has no TCP_NODELAY; the client dials debugpy's port and the app directly.
    /// </summary>
    public static async Task<DapSessionResult> StockDebugpyAsync(PythonEnvironment python, CancellationToken cancellationToken)
    {
        var sample = RepoPaths.Sample("FlaskHello");
        var debugServer = FreePort.GetEndPoint();
        var appEndPoint = FreePort.GetEndPoint();
        var startInfo = python.CreateStartInfo(
            "-c",
            $"import debugpy, runpy, sys; debugpy.listen(('127.0.0.1', {debugServer.Port})); runpy.run_path(sys.argv[1], run_name='__main__')",
            Path.Combine(sample, "app.py"));
        startInfo.Name = "stock-debugpy";
        startInfo.WorkingDirectory = sample;
        startInfo.Environment["PORT"] = appEndPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        // Nothing of ours on the path: this is debugpy as a user gets it.
        startInfo.Environment["PYTHONPATH"] = null;

        // Only silences pydevd's frozen-modules warning; the bootstrap sets it too, so both runs match.
        startInfo.Environment["PYDEVD_DISABLE_FILE_VALIDATION"] = "1";

        await using var app = ManagedProcess.Start(startInfo);
        await app.WaitUntilListeningAsync(debugServer, StartTimeout, cancellationToken);
        await app.WaitUntilListeningAsync(appEndPoint, StartTimeout, cancellationToken);

        using var http = new HttpClient { BaseAddress = new Uri($"http://{appEndPoint}/") };
        return await MeasureAsync(token => DapClient.ConnectAsync(debugServer, log: null, token), http, sample, cancellationToken);
    }

    /// <summary>
    /// Through the proxy: it starts the app with the bootstrap (debugpy listening, TCP_NODELAY on the sockets that
    /// <paramref name="noDelay"/> names: <c>all</c>, the product's default, or <c>pydevd</c> for pydevd's alone, as
    /// before the adapter's got it), the client speaks DAP over the authenticated WebSocket, and the GET goes through
    /// the proxy.
    /// </summary>
    public static async Task<DapSessionResult> ThroughProxyAsync(PythonEnvironment python, ProxyWarnings warnings, string noDelay, CancellationToken cancellationToken)
    {
        using var appOutput = new ConsoleCapture();
        try
        {
            return await RunThroughProxyAsync(python, warnings, noDelay, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new InvalidOperationException($"The session through the proxy failed: {ex.Message}{Environment.NewLine}App output:{Environment.NewLine}{appOutput.Tail(30)}", ex);
        }
    }

    private static async Task<DapSessionResult> RunThroughProxyAsync(PythonEnvironment python, ProxyWarnings warnings, string noDelay, CancellationToken cancellationToken)
    {
        var sample = RepoPaths.Sample("FlaskHello");
        var debugServer = FreePort.GetEndPoint();
        await using var proxy = await BenchmarkProxy.StartAsync(debugServer.Port, warnings, options =>
        {
            // Through env(1): the setting is the app's alone, and this process's environment stays as it is.
            options.AppCommand = ["/usr/bin/env", $"PTVSD_BOOTSTRAP_NODELAY={noDelay}", python.Path, "app.py"];
            options.ContentRoot = sample;
        }, cancellationToken);
        await WaitForAppAsync(proxy, debugServer, cancellationToken);

        using var http = new HttpClient { BaseAddress = proxy.BaseUri };
        return await MeasureAsync(
            async token => new DapClient(await proxy.ConnectAsync(token)), http, sample, cancellationToken);
    }

    /// <summary>Waits until the proxy reports the app running and debugpy listens, from the listener table only.</summary>
    private static async Task WaitForAppAsync(BenchmarkProxy proxy, IPEndPoint debugServer, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (proxy.App.Status.State != Ptvsd.WebSocketProxy.App.AppState.Running || !TcpListenerTable.IsListening(debugServer))
        {
            if (Stopwatch.GetElapsedTime(started) > StartTimeout)
            {
                var status = proxy.App.Status;
                throw new TimeoutException($"The app was not ready within {StartTimeout.TotalSeconds:0} s: state {status.State}, last exit: {status.LastExit ?? "none"}, debug server listening: {TcpListenerTable.IsListening(debugServer)}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(25), cancellationToken);
        }
    }

    private static async Task<DapSessionResult> MeasureAsync(
        Func<CancellationToken, Task<DapClient>> connect, HttpClient http, string sample, CancellationToken cancellationToken)
    {
        var breakpoint = (Path.Combine(sample, "app.py"), SourceMarkers.LineOf(Path.Combine(sample, "app.py")));

        // The first session pays one-time costs on both ends (pydevd's first trace set-up, the client's
        // JIT, the HTTP connections), so it is run but not recorded.
        await RunSessionAsync(connect, http, breakpoint, cancellationToken);

        var times = new List<double>();
        var refused = 0;
        for (var i = 0; i < Sessions; i++)
        {
            await Task.Delay(PauseBetweenSessions, cancellationToken);
            var (milliseconds, refusals) = await RunSessionAsync(connect, http, breakpoint, cancellationToken);
            times.Add(milliseconds);
            refused += refusals;
        }

        return new DapSessionResult(Statistics.Median(times), times, refused);
    }

    /// <summary>
    /// One session; returns its wall time from the connect of the attempt that was accepted to the
    /// disconnect response, and how many attempts debugpy refused before it.
    /// </summary>
    private static async Task<(double Milliseconds, int Refusals)> RunSessionAsync(
        Func<CancellationToken, Task<DapClient>> connect, HttpClient http, (string Path, int Line) breakpoint, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(SessionTimeout);

        var attempts = 0;
        var started = 0L;
        async Task<DapClient> ConnectAttemptAsync(CancellationToken token)
        {
            // A refused attempt and the retry delay are debugpy's, not the path's: the clock restarts here.
            attempts++;
            started = Stopwatch.GetTimestamp();
            return await connect(token);
        }

        await using var session = await DebugSession.ConnectAndAttachAsync(ConnectAttemptAsync, [breakpoint], BusyTimeout, timeout.Token);

        var response = http.GetStringAsync($"?name={Name}", timeout.Token);
        var stopped = session.WaitForStopAsync(timeout.Token);
        if (await Task.WhenAny(stopped, response) == response)
        {
            var body = await response;
            throw new InvalidOperationException($"The app answered '{body}' without stopping at {breakpoint.Path}:{breakpoint.Line}.");
        }

        var threadId = await stopped;
        var greeting = await session.EvaluateInTopFrameAsync(threadId, "greeting", timeout.Token);
        await session.ContinueAsync(threadId, timeout.Token);
        var answer = await response;
        await session.DisconnectAsync(timeout.Token);
        var elapsed = Stopwatch.GetElapsedTime(started);

        // A fast wrong answer would be no result at all.
        var expected = $"Hello, {Name}!";
        if (greeting != $"'{expected}'" || answer != expected)
        {
            throw new InvalidDataException($"Unexpected values: greeting evaluated to {greeting}, the app answered '{answer}'.");
        }

        return (elapsed.TotalMilliseconds, attempts - 1);
    }
}
