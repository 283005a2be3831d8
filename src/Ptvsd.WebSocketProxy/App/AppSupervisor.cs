using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Ptvsd.WebSocketProxy.Configuration;
using Ptvsd.WebSocketProxy.Relay;

namespace Ptvsd.WebSocketProxy.App;

/// <summary>
/// Starts the app command, tells the forwarder when it is listening, restarts it with backoff when it exits,
/// and kills it with its whole process tree when the proxy stops, so no Python process outlives the proxy. Whatever
/// one start of the app leaves behind when it exits (children, gunicorn workers, debugpy's adapter holding the debug
/// port) is ended before the next start, so each start finds the debug port free.
/// </summary>
public sealed partial class AppSupervisor : BackgroundService
{
    private static readonly TimeSpan FirstRestartDelay = TimeSpan.FromSeconds(1);

    // An app that ran this long before exiting is taken as healthy: its next restart starts the backoff anew.
    private static readonly TimeSpan StableRunTime = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ReadinessPollInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    private readonly ProxyOptions _options;
    private readonly ILogger<AppSupervisor> _logger;
    private readonly DebugServerHealth _debugServerHealth;
    private volatile AppStatus _status;
    private volatile AppProcessTree? _tree;
    private volatile CancellationTokenSource _restartRequest = new();

    public AppSupervisor(ProxyOptions options, BootstrapReport bootstrapReport, DebugServerHealth debugServerHealth, ILogger<AppSupervisor> logger)
    {
        _options = options;
        _debugServerHealth = debugServerHealth;
        _logger = logger;
        BootstrapReport = bootstrapReport;
        _status = options.AppUrl is not null
            ? new AppStatus(AppState.External, options.AppUrl, null, 0, null)
            : new AppStatus(options.AppCommand.Count > 0 ? AppState.Starting : AppState.None, null, null, 0, null);
    }

    public AppStatus Status => _status;

    public BootstrapReport BootstrapReport { get; }

    /// <summary>
    /// Whether the listener on the debug port belongs to the app now running (its debugpy adapter); null when that
    /// cannot be told (not Linux, or an app the proxy did not start).
    /// </summary>
    public bool? OwnsDebugServerListener() => _tree?.OwnsListener(_options.DebugServer.Port);

    /// <summary>
    /// Ends the running app with everything its start left running and starts it again at once (or cuts a restart
    /// delay short); false when the proxy starts no app.
    /// </summary>
    public bool RequestRestart()
    {
        if (_options.AppCommand.Count == 0)
        {
            return false;
        }

        _restartRequest.Cancel();
        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_options.AppCommand.Count == 0)
        {
            return;
        }

        var restartDelay = FirstRestartDelay;
        var restarts = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var restartRequest = _restartRequest;
            var (ranFor, onRequest) = await RunOnceAsync(restarts, restartRequest.Token, stoppingToken);
            if (stoppingToken.IsCancellationRequested)
            {
                break;
            }

            restartDelay = ranFor >= StableRunTime || onRequest ? FirstRestartDelay : restartDelay;
            restarts++;
            _status = _status with { State = AppState.Restarting, ProcessId = null, Url = null, Restarts = restarts };
            if (onRequest)
            {
                // Not disposed: a request racing this swap may still cancel the old one, harmlessly.
                _restartRequest = new CancellationTokenSource();
                Log.RestartingOnRequest(_logger, restarts);
                continue;
            }

            // Said once the delay is over: on a normal stop the app often exits first (the stop signal reaches its
            // process group too), and the proxy, stopping a moment later, must not claim a restart it never makes.
            try
            {
                using var delay = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, restartRequest.Token);
                await Task.Delay(restartDelay, delay.Token);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (OperationCanceledException)
            {
                // A restart asked for during the delay: now, then.
                _restartRequest = new CancellationTokenSource();
            }

            Log.Restarting(_logger, restarts, restartDelay.TotalSeconds);

            restartDelay = TimeSpan.FromTicks(Math.Min(restartDelay.Ticks * 2, _options.AppRestartMaxDelay.Ticks));
        }

        _status = _status with { State = AppState.Stopped, ProcessId = null, Url = null };
        BootstrapReport.Delete();
    }

    /// <summary>Runs the app until it exits, a restart is asked for, or the proxy stops; returns how long it ran and whether it was asked to restart.</summary>
    private async Task<(TimeSpan RanFor, bool OnRequest)> RunOnceAsync(int restarts, CancellationToken restartRequest, CancellationToken stoppingToken)
    {
        var port = ReserveLoopbackPort();
        BootstrapReport.Delete();
        var tree = _tree = new AppProcessTree();

        // A new start has a new debugger: whether the last one answered says nothing of it.
        _debugServerHealth.Answered();
        var startInfo = AppLaunch.Create(_options, port, BootstrapReport, tree);
        var started = Stopwatch.GetTimestamp();

        using var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.Exited += (_, _) => exited.TrySetResult();
        process.OutputDataReceived += (_, e) => ForwardOutput(Console.Out, e.Data);
        process.ErrorDataReceived += (_, e) => ForwardOutput(Console.Error, e.Data);
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            var problem = $"could not start '{startInfo.FileName}': {ex.Message}";
            Log.StartFailed(_logger, startInfo.FileName, ex.Message);
            _status = _status with { LastExit = problem };
            return (TimeSpan.Zero, false);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var url = new Uri($"http://127.0.0.1:{port}/");
        _status = new AppStatus(AppState.Starting, url, process.Id, restarts, _status.LastExit);
        Log.Started(_logger, process.Id, port, string.Join(' ', _options.AppCommand));

        using var run = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, restartRequest);
        try
        {
            await WaitUntilListeningAsync(process, port, run.Token);
            if (!process.HasExited)
            {
                _status = _status with { State = AppState.Running };
                Log.Listening(_logger, process.Id, port, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            // Not WaitForExitAsync: it also waits for the end of the app's output, which a grandchild that
            // inherited stdout can hold open long after the app itself has died.
            await exited.Task.WaitAsync(run.Token);
        }
        catch (OperationCanceledException)
        {
            await StopAsync(process, tree, exited.Task);
            var onRequest = !stoppingToken.IsCancellationRequested;
            if (onRequest)
            {
                _status = _status with { LastExit = "restarted on request" };
            }

            return (Stopwatch.GetElapsedTime(started), onRequest);
        }

        var ranFor = Stopwatch.GetElapsedTime(started);
        var exit = $"exited with code {process.ExitCode} after {ranFor.TotalSeconds:0.0} s";
        _status = _status with { LastExit = exit };
        Log.Exited(_logger, process.Id, process.ExitCode, ranFor.TotalSeconds);
        EndLeftovers(process.Id, tree);
        return (ranFor, false);
    }

    private static async Task WaitUntilListeningAsync(Process process, int port, CancellationToken stoppingToken)
    {
        // The listener table, not a connection attempt: a probe connection would show up in the app's own logs.
        while (!process.HasExited && !DebugServerProbe.IsListening([IPAddress.Loopback], port))
        {
            await Task.Delay(ReadinessPollInterval, stoppingToken);
        }
    }

    private async Task StopAsync(Process process, AppProcessTree tree, Task exited)
    {
        if (!process.HasExited)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (Exception ex) when (ex is InvalidOperationException or Win32Exception)
            {
                Log.StopFailed(_logger, process.Id, ex.Message);
            }
        }

        // What left the app's process tree (debugpy's adapter) or holds its output pipes goes too.
        tree.KillAll(exceptProcessId: process.Id);
        try
        {
            // The exit itself, not WaitForExitAsync: that also waits for the end of the app's output.
            await exited.WaitAsync(StopTimeout);
            Log.Stopped(_logger, process.Id);
        }
        catch (TimeoutException)
        {
            Log.StopFailed(_logger, process.Id, $"it had not exited {StopTimeout.TotalSeconds:0} s after SIGKILL");
        }
    }

    /// <summary>Ends what a start of the app left running after the app itself exited.</summary>
    private void EndLeftovers(int appProcessId, AppProcessTree tree)
    {
        var killed = tree.KillAll(exceptProcessId: null);
        if (killed.Count > 0)
        {
            Log.LeftoversEnded(_logger, appProcessId, killed.Count, string.Join(", ", killed));
        }
    }

    private static void ForwardOutput(TextWriter writer, string? line)
    {
        if (line is not null)
        {
            writer.WriteLine(line);
        }
    }

    private static int ReserveLoopbackPort()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)listener.LocalEndPoint!).Port;
    }

    private static partial class Log
    {
        [LoggerMessage(20, LogLevel.Information, "App started (pid {ProcessId}, internal port {Port}): {Command}", EventName = "AppStarted")]
        public static partial void Started(ILogger logger, int processId, int port, string command);

        [LoggerMessage(21, LogLevel.Information, "App is listening (pid {ProcessId}, port {Port}) after {ElapsedMilliseconds:0} ms", EventName = "AppListening")]
        public static partial void Listening(ILogger logger, int processId, int port, double elapsedMilliseconds);

        [LoggerMessage(22, LogLevel.Warning, "App exited (pid {ProcessId}) with code {ExitCode} after {RanForSeconds:0.0} s", EventName = "AppExited")]
        public static partial void Exited(ILogger logger, int processId, int exitCode, double ranForSeconds);

        [LoggerMessage(23, LogLevel.Warning, "Restarting the app (restart {Restarts}, after {DelaySeconds:0.#} s)", EventName = "AppRestarting")]
        public static partial void Restarting(ILogger logger, int restarts, double delaySeconds);

        [LoggerMessage(28, LogLevel.Information, "Restarting the app on request (restart {Restarts})", EventName = "AppRestartingOnRequest")]
        public static partial void RestartingOnRequest(ILogger logger, int restarts);

        [LoggerMessage(24, LogLevel.Error, "Could not start the app '{FileName}': {Problem}. Check the command after '--'.", EventName = "AppStartFailed")]
        public static partial void StartFailed(ILogger logger, string fileName, string problem);

        [LoggerMessage(25, LogLevel.Information, "App stopped (pid {ProcessId} and its child processes)", EventName = "AppStopped")]
        public static partial void Stopped(ILogger logger, int processId);

        [LoggerMessage(26, LogLevel.Warning, "Could not stop the app (pid {ProcessId}): {Problem}", EventName = "AppStopFailed")]
        public static partial void StopFailed(ILogger logger, int processId, string problem);

        [LoggerMessage(27, LogLevel.Warning, "The app (pid {ProcessId}) left {Count} processes running; ended them: {ProcessIds}", EventName = "AppLeftoversEnded")]
        public static partial void LeftoversEnded(ILogger logger, int processId, int count, string processIds);
    }
}
