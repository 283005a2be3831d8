namespace Ptvsd.Testing;

/// <summary>
/// Remembers every descendant a process has had, by sampling <c>/proc</c> while it runs.
/// </summary>
/// <remarks>
/// <c>Process.Kill(entireProcessTree: true)</c> only finds processes that are still descendants
/// at kill time. A child of an intermediate that already exited (a <c>sh -c</c> wrapper, a
/// restarted worker, a supervisor that crashed) has been re-parented and would survive the test;
/// the samples still know it. Identity includes the start time, so a reused pid is never killed.
/// </remarks>
internal sealed class DescendantTracker : IAsyncDisposable
{
    // Cheap (one pass over /proc/*/stat) and frequent enough to see any child that lives longer
    // than a blink; debugpy's short-lived daemonizing fork is not worth catching, its adapter
    // exits on its own once the app is gone.
    private static readonly TimeSpan SampleInterval = TimeSpan.FromMilliseconds(200);

    private readonly int _rootPid;
    private readonly Task _rootExited;
    private readonly Lock _lock = new();
    private readonly Dictionary<(int Pid, ulong StartTime), ProcessTreeEntry> _seen = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;

    public DescendantTracker(int rootPid, Task rootExited)
    {
        _rootPid = rootPid;
        _rootExited = rootExited;
        _loop = OperatingSystem.IsLinux() ? Task.Run(() => SampleLoopAsync(_stopping.Token)) : Task.CompletedTask;
    }

    public IReadOnlyList<ProcessTreeEntry> Seen
    {
        get
        {
            lock (_lock)
            {
                return [.. _seen.Values];
            }
        }
    }

    /// <summary>Takes one sample now (while the root is alive its whole tree is still findable).</summary>
    public void Sample()
    {
        if (!OperatingSystem.IsLinux() || _rootExited.IsCompleted)
        {
            return;
        }

        var descendants = ProcessTree.DescendantsOf(_rootPid);
        lock (_lock)
        {
            foreach (var entry in descendants)
            {
                _seen.TryAdd((entry.Pid, entry.StartTime), entry);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task SampleLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(SampleInterval);
        try
        {
            // Once the root has exited nothing more can be found from its pid.
            while (!_rootExited.IsCompleted)
            {
                Sample();
                await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Disposed: the owner takes its final sample itself.
            return;
        }
    }
}
