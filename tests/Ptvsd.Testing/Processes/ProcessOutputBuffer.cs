namespace Ptvsd.Testing;

/// <summary>
/// The lines a child process has written, kept in order and safe to read while the process
/// still writes, with waits that also look at lines that arrived before the wait began.
/// </summary>
internal sealed class ProcessOutputBuffer
{
    private readonly Lock _lock = new();
    private readonly List<string> _lines = [];
    private readonly List<(Func<string, bool> Predicate, TaskCompletionSource<string> Completion)> _waiters = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lock)
            {
                return [.. _lines];
            }
        }
    }

    public void Add(string line)
    {
        lock (_lock)
        {
            _lines.Add(line);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                var (predicate, completion) = _waiters[i];
                if (completion.Task.IsCompleted)
                {
                    _waiters.RemoveAt(i);
                }
                else if (predicate(line))
                {
                    completion.TrySetResult(line);
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    /// <summary>
    /// Returns the first line (already written or still to come) matching <paramref name="predicate"/>.
    /// Cancelling the token abandons the wait.
    /// </summary>
    public async Task<string> WaitForAsync(Func<string, bool> predicate, CancellationToken cancellationToken)
    {
        var completion = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            foreach (var line in _lines)
            {
                if (predicate(line))
                {
                    return line;
                }
            }

            _waiters.Add((predicate, completion));
        }

        using var registration = cancellationToken.Register(() => completion.TrySetCanceled(cancellationToken));
        return await completion.Task.ConfigureAwait(false);
    }

    /// <summary>The first line so far that matches, without waiting.</summary>
    public string? Find(Func<string, bool> predicate)
    {
        lock (_lock)
        {
            return _lines.Find(line => predicate(line));
        }
    }

    /// <summary>The last <paramref name="count"/> lines as one text, for failure messages.</summary>
    public string Tail(int count)
    {
        lock (_lock)
        {
            return string.Join(Environment.NewLine, _lines.Skip(Math.Max(0, _lines.Count - count)));
        }
    }
}
