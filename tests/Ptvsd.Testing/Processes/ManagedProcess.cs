using System.Diagnostics;
using System.Net;
using System.Text;

namespace Ptvsd.Testing;

/// <summary>
/// A child process owned by a test: its output is captured line by line and can be waited on,
/// and disposing it kills the whole tree it started (e.g. the proxy and the Python app it
/// supervises) and waits until all of them are gone, so no test leaves processes behind.
/// </summary>
public sealed class ManagedProcess : IAsyncDisposable
{
    // Generous: on a loaded CI machine the kernel can take a moment to tear down a tree, but a
    // process that survives SIGKILL this long is a real problem worth failing on.
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(10);

    // After the process exits, its last lines may still be in the pipe.
    private static readonly TimeSpan OutputDrainTimeout = TimeSpan.FromSeconds(2);

    // Tests run in the background by a non-interactive shell (`./build.sh test &`) ignore SIGINT, children inherit
    // that, and .NET keeps an inherited SIG_IGN rather than install its handler: InterruptAsync would then do nothing
    // and a Ctrl+C test would wait out its timeout. Such children start through env, which resets SIGINT and execs
    // in place (same pid; GNU env 8.31 or later), so they take Ctrl+C as a terminal's foreground process does.
    private static readonly bool InterruptIgnoredHere = UnixSignal.IsIgnoredByThisProcess(UnixSignal.Interrupt);

    private readonly Process _process;
    private readonly Action<string>? _sink;
    private readonly ProcessOutputBuffer _output = new();
    private readonly ProcessOutputBuffer _errorOutput = new();
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DescendantTracker? _descendants;
    private int _disposed;

    private ManagedProcess(Process process, string name, Action<string>? sink)
    {
        _process = process;
        Name = name;
        _sink = sink;
    }

    /// <summary>The operating system's process id.</summary>
    public int Id { get; private set; }

    /// <summary>The label used in log lines and messages.</summary>
    public string Name { get; }

    /// <summary>Whether the process has exited.</summary>
    public bool HasExited => _exited.Task.IsCompleted;

    /// <summary>The exit code once the process has exited; otherwise null.</summary>
    public int? ExitCode => _exited.Task.IsCompletedSuccessfully ? _exited.Task.Result : null;

    /// <summary>Completes with the exit code when the process exits (for any reason).</summary>
    public Task<int> Exited => _exited.Task;

    /// <summary>All stdout and stderr lines so far, interleaved in arrival order.</summary>
    public IReadOnlyList<string> Output => _output.Lines;

    /// <summary>The stderr lines so far (also in <see cref="Output"/>), for checks of what a command reports as errors.</summary>
    public IReadOnlyList<string> ErrorOutput => _errorOutput.Lines;

    /// <summary>Starts a process.</summary>
    public static ManagedProcess Start(
        string fileName,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? workingDirectory = null,
        Action<string>? output = null)
    {
        var startInfo = new ManagedProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = workingDirectory,
            Output = output,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            startInfo.Environment[name] = value;
        }

        return Start(startInfo);
    }

    /// <summary>Starts a server process and returns once it listens on <paramref name="endPoint"/>; killed again if it never does.</summary>
    public static async Task<ManagedProcess> StartListeningAsync(ManagedProcessStartInfo startInfo, IPEndPoint endPoint, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var process = Start(startInfo);
        try
        {
            await process.WaitUntilListeningAsync(endPoint, timeout, cancellationToken).ConfigureAwait(false);
            return process;
        }
        catch
        {
            await process.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Starts a process as described by <paramref name="startInfo"/>.</summary>
    public static ManagedProcess Start(ManagedProcessStartInfo startInfo)
    {
        ArgumentNullException.ThrowIfNull(startInfo);
        var psi = new ProcessStartInfo(InterruptIgnoredHere ? "env" : startInfo.FileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // Our stdin, not the test runner's: a child must never read from (or get EOF on)
            // the console the tests were started from.
            RedirectStandardInput = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = startInfo.WorkingDirectory ?? "",
        };
        if (InterruptIgnoredHere)
        {
            psi.ArgumentList.Add("--default-signal=INT");
            psi.ArgumentList.Add("--");
            psi.ArgumentList.Add(startInfo.FileName);
        }

        foreach (var argument in startInfo.Arguments)
        {
            psi.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in startInfo.Environment)
        {
            if (value is null)
            {
                psi.Environment.Remove(name);
            }
            else
            {
                psi.Environment[name] = value;
            }
        }

        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var managed = new ManagedProcess(process, startInfo.Name ?? Path.GetFileName(startInfo.FileName), startInfo.Output);
        managed.Attach();
        try
        {
            process.Start();
        }
        catch (Exception ex)
        {
            process.Dispose();
            throw new InvalidOperationException($"Could not start '{startInfo.FileName}': {ex.Message}", ex);
        }

        managed.Id = process.Id;
        managed._descendants = new DescendantTracker(process.Id, managed._exited.Task);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return managed;
    }

    /// <summary>
    /// Returns the first output line (already written or still to come) for which
    /// <paramref name="predicate"/> is true. Throws <see cref="TimeoutException"/> after
    /// <paramref name="timeout"/>, and <see cref="InvalidOperationException"/> as soon as the
    /// process exits without writing such a line; both carry the last lines of output.
    /// </summary>
    public async Task<string> WaitForOutputAsync(Func<string, bool> predicate, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        using var waitSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        waitSource.CancelAfter(timeout);
        var match = _output.WaitForAsync(predicate, waitSource.Token);

        try
        {
            if (await Task.WhenAny(match, _exited.Task).ConfigureAwait(false) != match)
            {
                // Exited: the line may still be in the pipe, so give the reader a moment.
                await WaitForOutputDrainAsync(cancellationToken).ConfigureAwait(false);
                await waitSource.CancelAsync().ConfigureAwait(false);

                // Looked up directly: the wait's own task completes asynchronously and may lag
                // behind a line that arrived just before end of output.
                return _output.Find(predicate) ?? throw new InvalidOperationException(
                    $"{Describe()} exited with code {ExitCode} before writing the expected output.{TailForMessage()}");
            }

            return await match.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"{Describe()} did not write the expected output within {timeout.TotalSeconds:0.#} s.{TailForMessage()}");
        }
    }

    /// <summary>
    /// Waits until something listens on <paramref name="endPoint"/>, looking at the OS listener
    /// table rather than connecting (an empty connection breaks debugpy). Fails at once, with the
    /// process's output, if the process exits first.
    /// </summary>
    /// <returns>How long the wait took.</returns>
    public async Task<TimeSpan> WaitUntilListeningAsync(IPEndPoint endPoint, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var exitedSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var listening = TcpListenerTable.WaitUntilListeningAsync(endPoint, timeout, exitedSource.Token);
        if (await Task.WhenAny(listening, _exited.Task).ConfigureAwait(false) == listening)
        {
            try
            {
                return await listening.ConfigureAwait(false);
            }
            catch (TimeoutException ex)
            {
                throw new TimeoutException($"{ex.Message} ({Describe()} is still running.){TailForMessage()}", ex);
            }
        }

        await exitedSource.CancelAsync().ConfigureAwait(false);
        throw new InvalidOperationException(
            $"{Describe()} exited with code {ExitCode} before listening on {endPoint}.{TailForMessage()}");
    }

    /// <summary>
    /// Waits for the process to exit on its own and for its last output lines to be captured,
    /// and returns its exit code.
    /// </summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            var exitCode = await _exited.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            await WaitForOutputDrainAsync(cancellationToken).ConfigureAwait(false);
            return exitCode;
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{Describe()} did not exit within {timeout.TotalSeconds:0.#} s.{TailForMessage()}", ex);
        }
    }

    /// <summary>
    /// Asks the process to stop (SIGTERM, as a container runtime or systemd would) and waits for
    /// it to exit. Its descendants are left to it: that is what a graceful-shutdown test checks.
    /// </summary>
    /// <returns>The exit code.</returns>
    public Task<int> TerminateAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        SignalAndWaitAsync(UnixSignal.Terminate, "SIGTERM", timeout, cancellationToken);

    /// <summary>
    /// Sends SIGINT, what Ctrl+C in a terminal sends, and waits for the process to exit.
    /// </summary>
    /// <returns>The exit code.</returns>
    public Task<int> InterruptAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        SignalAndWaitAsync(UnixSignal.Interrupt, "SIGINT", timeout, cancellationToken);

    /// <summary>The process's running descendants (Linux; see <see cref="ProcessTree.DescendantsOf"/>).</summary>
    public IReadOnlyList<ProcessTreeEntry> Descendants() => ProcessTree.DescendantsOf(Id);

    /// <summary>The last <paramref name="count"/> output lines as one text.</summary>
    public string OutputTail(int count = 40) => _output.Tail(count);

    /// <summary>
    /// Kills the process and every descendant (<c>Kill(entireProcessTree: true)</c>, plus any
    /// descendant seen while it ran that has since been orphaned) and waits until they have all
    /// exited. Processes that detach themselves within a fraction of a second (debugpy's
    /// daemonized adapter) are not caught; that adapter exits by itself once the app is gone.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            IReadOnlyList<ProcessTreeEntry> descendants = [];
            if (_descendants is not null)
            {
                await _descendants.DisposeAsync().ConfigureAwait(false);

                // A last sample before the kill: once the root dies its children are re-parented
                // and can no longer be found from its pid.
                _descendants.Sample();
                descendants = _descendants.Seen;
            }

            KillTree();
            await WaitForRootExitAsync().ConfigureAwait(false);
            await KillSurvivorsAsync(descendants).ConfigureAwait(false);
        }
        finally
        {
            _process.Dispose();
        }
    }

    /// <inheritdoc />
    public override string ToString() => Describe();

    private void Attach()
    {
        _process.OutputDataReceived += (_, e) => OnLine(e.Data, _stdoutClosed, isError: false);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data, _stderrClosed, isError: true);
        _process.Exited += (_, _) => _exited.TrySetResult(_process.ExitCode);
    }

    private void OnLine(string? line, TaskCompletionSource closed, bool isError)
    {
        if (line is null)
        {
            closed.TrySetResult();
            return;
        }

        _output.Add(line);
        if (isError)
        {
            _errorOutput.Add(line);
        }

        OutputSink.Write(_sink, isError ? $"[{Name} {Id} err] {line}" : $"[{Name} {Id}] {line}");
    }

    private void KillTree()
    {
        if (HasExited)
        {
            return;
        }

        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) when (_process.HasExited)
        {
            // It exited on its own between the check and the kill; nothing left to kill at the root.
            return;
        }
    }

    private async Task WaitForRootExitAsync()
    {
        try
        {
            await _exited.Task.WaitAsync(ExitTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new InvalidOperationException($"{Describe()} was killed but did not exit within {ExitTimeout.TotalSeconds:0} s.", ex);
        }
    }

    private static async Task KillSurvivorsAsync(IReadOnlyList<ProcessTreeEntry> descendants)
    {
        // Kill(entireProcessTree) walks the tree as it is at kill time; a grandchild whose parent
        // had already exited is no longer in it. The samples still know it.
        foreach (var entry in descendants.Where(ProcessTree.IsRunning))
        {
            // ESRCH (already gone) is fine; the loop below checks the outcome either way.
            UnixSignal.Send(entry.Pid, UnixSignal.Kill);
        }

        var deadline = Stopwatch.GetTimestamp() + (long)(ExitTimeout.TotalSeconds * Stopwatch.Frequency);
        while (descendants.Where(ProcessTree.IsRunning).ToList() is { Count: > 0 } survivors)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new InvalidOperationException(
                    $"Processes survived SIGKILL for {ExitTimeout.TotalSeconds:0} s: {string.Join(", ", survivors)}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20)).ConfigureAwait(false);
        }
    }

    private async Task<int> SignalAndWaitAsync(int signal, string name, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            throw new PlatformNotSupportedException($"{name} needs a Unix system.");
        }

        if (!HasExited && UnixSignal.Send(Id, signal) is var errno and not 0 && !HasExited)
        {
            throw new InvalidOperationException($"kill({Id}, {name}) failed with errno {errno}.");
        }

        return await WaitForExitAsync(timeout, cancellationToken).ConfigureAwait(false);
    }

    private async Task WaitForOutputDrainAsync(CancellationToken cancellationToken)
    {
        // Bounded: a grandchild that inherited the pipes keeps them open after the root exits.
        await Task.WhenAny(Task.WhenAll(_stdoutClosed.Task, _stderrClosed.Task), Task.Delay(OutputDrainTimeout, cancellationToken))
            .ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    private string Describe() => $"Process '{Name}' (pid {Id})";

    private string TailForMessage()
    {
        var tail = _output.Tail(40);
        return tail.Length == 0 ? " It wrote no output." : $"{Environment.NewLine}Last output:{Environment.NewLine}{tail}";
    }
}
