using System.Net;
using System.Text.Json.Nodes;

namespace Ptvsd.Testing;

/// <summary>A process of a <see cref="DebugSessionTree"/>: its debug session, where that session connected, and its process id.</summary>
/// <param name="Session">The session attached to the process.</param>
/// <param name="EndPoint">The address the session's connection went to.</param>
/// <param name="ProcessId">The process id the adapter reported in the session's <c>process</c> event.</param>
/// <param name="IsSubprocess">Whether debugpy reported the process as a subprocess (e.g. a forked gunicorn worker).</param>
public sealed record DebuggedProcess(DebugSession Session, IPEndPoint EndPoint, int ProcessId, bool IsSubprocess);

/// <summary>
/// A debugger attached to a process and to every subprocess debugpy reports under it, the way VS Code follows
/// gunicorn's workers: for each <c>debugpyAttach</c> event, one more connection to the address in the event's
/// <c>connect</c>, attached with the event's body (its <c>subProcessId</c> picks the process) and given the same
/// breakpoints.
/// </summary>
/// <remarks>
/// debugpy builds the body from the root's own attach arguments, so a root attached with a <c>connect</c> (as a launch
/// configuration is) has every subprocess reconnect to that same address, e.g. the local port of <c>ptvsd attach</c>.
/// Without one, the adapter names its own listener on the debugged host, which a client behind the debug proxy must
/// not reach. debugpy 1.6 announces a subprocess with the event; later versions send a <c>startDebugging</c> reverse
/// request instead, but only to a client whose <c>initialize</c> says <c>supportsStartDebuggingRequest</c>, which
/// <see cref="DebugSession"/>'s does not, so every version sends the event here.
/// </remarks>
public sealed class DebugSessionTree : IAsyncDisposable
{
    private const string SubprocessEvent = "debugpyAttach";

    private readonly IReadOnlyList<(string Path, int Line)> _breakpoints;
    private readonly Action<string>? _log;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();
    private readonly List<DebuggedProcess> _processes = [];
    private readonly List<Task> _followers = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Exception? _followFailure;
    private int _disposed;

    private DebugSessionTree(IReadOnlyList<(string Path, int Line)> breakpoints, Action<string>? log)
    {
        _breakpoints = breakpoints;
        _log = log;
    }

    /// <summary>The process attached first, the parent of the others.</summary>
    public DebuggedProcess Root => Processes[0];

    /// <summary>Every process attached so far, the root first, then subprocesses in the order they were attached.</summary>
    public IReadOnlyList<DebuggedProcess> Processes
    {
        get
        {
            lock (_lock)
            {
                return [.. _processes];
            }
        }
    }

    /// <summary>The subprocesses attached so far.</summary>
    public IReadOnlyList<DebuggedProcess> Subprocesses => [.. Processes.Where(process => process.IsSubprocess)];

    /// <summary>
    /// Connects to <paramref name="endPoint"/> and attaches to the root process with <paramref name="attachArguments"/>
    /// and <paramref name="breakpoints"/>, then follows its subprocesses (and theirs) in the background until
    /// <see cref="DisconnectAsync"/> or disposal.
    /// </summary>
    /// <param name="endPoint">The debug adapter's address, as a launch configuration's <c>connect</c> names it.</param>
    /// <param name="attachArguments">The root's <c>attach</c> arguments, e.g. a launch configuration.</param>
    /// <param name="breakpoints">Set in every process, as for <see cref="DebugSession.AttachAsync(IReadOnlyList{ValueTuple{string, int}}, CancellationToken)"/>.</param>
    /// <param name="log">Receives the DAP traffic of every session.</param>
    /// <param name="cancellationToken">Cancels attaching to the root.</param>
    public static async Task<DebugSessionTree> AttachAsync(
        IPEndPoint endPoint,
        JsonObject attachArguments,
        IReadOnlyList<(string Path, int Line)> breakpoints,
        Action<string>? log,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        ArgumentNullException.ThrowIfNull(attachArguments);
        ArgumentNullException.ThrowIfNull(breakpoints);
        var tree = new DebugSessionTree(breakpoints, log);
        try
        {
            await tree.AttachProcessAsync(endPoint, attachArguments, isSubprocess: false, cancellationToken).ConfigureAwait(false);
            return tree;
        }
        catch
        {
            await tree.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Returns once <paramref name="count"/> subprocesses are attached. Throws the reason when following one failed,
    /// and <see cref="TimeoutException"/> after <paramref name="timeout"/>.
    /// </summary>
    public async Task WaitForSubprocessesAsync(int count, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (_followFailure is not null)
                {
                    throw new InvalidOperationException(_followFailure.Message, _followFailure);
                }

                if (_processes.Count(process => process.IsSubprocess) >= count)
                {
                    return;
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException(
                    $"{Subprocesses.Count} of {count} subprocesses were attached within {timeout.TotalSeconds:0.#} s.");
            }
        }
    }

    /// <summary>
    /// Waits until a thread of one of the processes attached so far stops, and returns that process and thread. Fails if
    /// more than one process reports a stop: a single request must stop only in the process that serves it.
    /// </summary>
    public async Task<(DebuggedProcess Process, int ThreadId)> WaitForStopAsync(CancellationToken cancellationToken)
    {
        var processes = Processes;
        using var others = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var waits = processes.Select(process => process.Session.WaitForStopAsync(others.Token)).ToList();
        await Task.WhenAny(waits).ConfigureAwait(false);
        await others.CancelAsync().ConfigureAwait(false);

        var stops = new List<(DebuggedProcess Process, int ThreadId)>();
        for (var i = 0; i < waits.Count; i++)
        {
            try
            {
                stops.Add((processes[i], await waits[i].ConfigureAwait(false)));
            }
            catch (OperationCanceledException) when (others.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                // This process did not stop before the first one did.
            }
        }

        return stops.Count == 1
            ? stops[0]
            : throw new InvalidOperationException(
                $"Processes {string.Join(", ", stops.Select(stop => stop.Process.ProcessId))} all stopped; expected exactly one to.");
    }

    /// <summary>Stops following subprocesses and detaches from every process, subprocesses first, leaving them running.</summary>
    public async Task DisconnectAsync(CancellationToken cancellationToken)
    {
        await StopFollowingAsync().ConfigureAwait(false);
        foreach (var process in Processes.Reverse())
        {
            await process.Session.DisconnectAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops following subprocesses and closes every connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopFollowingAsync().ConfigureAwait(false);
        foreach (var process in Processes)
        {
            await process.Session.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private async Task StopFollowingAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }

        // Each follower ends on cancellation and records any other failure itself; none throws. One that was attaching
        // a subprocess as cancellation came may have added a follower for it, so wait until no new one appears.
        var awaited = 0;
        while (true)
        {
            Task[] followers;
            lock (_lock)
            {
                if (_followers.Count == awaited)
                {
                    return;
                }

                followers = [.. _followers];
            }

            await Task.WhenAll(followers).ConfigureAwait(false);
            awaited = followers.Length;
        }
    }

    private async Task AttachProcessAsync(IPEndPoint endPoint, JsonObject attachArguments, bool isSubprocess, CancellationToken cancellationToken)
    {
        var session = new DebugSession(await DapClient.ConnectAsync(endPoint, _log, cancellationToken).ConfigureAwait(false));
        DebuggedProcess process;
        try
        {
            await session.AttachAsync(_breakpoints, attachArguments, cancellationToken).ConfigureAwait(false);

            // debugpy reports the debuggee right after the attach response.
            var processEvent = await session.Client.WaitForEventAsync("process", cancellationToken).ConfigureAwait(false);
            var processId = (int?)processEvent["body"]?["systemProcessId"]
                ?? throw new InvalidDataException($"A 'process' event without a systemProcessId: {processEvent.ToJsonString()}");
            process = new DebuggedProcess(session, endPoint, processId, isSubprocess);
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        lock (_lock)
        {
            _processes.Add(process);
            _followers.Add(Task.Run(() => FollowSubprocessesAsync(process)));
        }

        SignalChange();
    }

    private async Task FollowSubprocessesAsync(DebuggedProcess parent)
    {
        var stopping = _stopping.Token;
        try
        {
            while (true)
            {
                var announcement = await parent.Session.Client.WaitForEventAsync(SubprocessEvent, stopping).ConfigureAwait(false);
                var arguments = announcement["body"] as JsonObject
                    ?? throw new InvalidDataException($"A '{SubprocessEvent}' event without a body: {announcement.ToJsonString()}");
                await AttachProcessAsync(ConnectEndPoint(arguments), arguments, isSubprocess: true, stopping).ConfigureAwait(false);
            }
        }
        catch (Exception) when (stopping.IsCancellationRequested)
        {
            // Disconnecting or disposing: whatever the interrupted wait or attach threw is expected.
        }
        catch (Exception ex)
        {
            lock (_lock)
            {
                _followFailure ??= new InvalidOperationException($"Following a subprocess of process {parent.ProcessId} failed: {ex.Message}", ex);
            }

            SignalChange();
        }
    }

    /// <summary>The address in a subprocess's attach arguments (<c>connect</c>: <c>host</c> and <c>port</c>).</summary>
    private static IPEndPoint ConnectEndPoint(JsonObject arguments)
    {
        var host = (string?)arguments["connect"]?["host"];
        var port = (int?)arguments["connect"]?["port"];
        if (host is null || port is null)
        {
            throw new InvalidDataException($"A '{SubprocessEvent}' body without connect.host and connect.port: {arguments.ToJsonString()}");
        }

        return new IPEndPoint(host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(host), port.Value);
    }

    private void SignalChange()
    {
        TaskCompletionSource changed;
        lock (_lock)
        {
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }
}
