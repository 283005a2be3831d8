using System.Text.Json.Nodes;

namespace Ptvsd.Testing;

/// <summary>
/// Holds DAP events until someone waits for them, so an event that arrives before the test
/// starts waiting (debugpy sends <c>stopped</c> the moment a breakpoint is hit) is never lost.
/// Each event is handed out once: waiting twice for <c>stopped</c> yields the first and then
/// the second stop.
/// </summary>
internal sealed class DapEventQueue
{
    private readonly Lock _lock = new();
    private readonly List<JsonObject> _unclaimed = [];
    private readonly List<JsonObject> _all = [];
    private readonly List<Waiter> _waiters = [];
    private Exception? _closedReason;

    public IReadOnlyList<JsonObject> All
    {
        get
        {
            lock (_lock)
            {
                return [.. _all];
            }
        }
    }

    public void Add(JsonObject message)
    {
        var name = EventName(message);
        lock (_lock)
        {
            _all.Add(message);
            foreach (var waiter in _waiters)
            {
                // A cancelled waiter is still in the list until its registration removes it;
                // TrySetResult fails for it and the event goes to the next one.
                if (waiter.Matches(name, message) && waiter.Completion.TrySetResult(message))
                {
                    _waiters.Remove(waiter);
                    return;
                }
            }

            _unclaimed.Add(message);
        }
    }

    public async Task<JsonObject> WaitAsync(string eventName, Func<JsonObject, bool>? predicate, CancellationToken cancellationToken)
    {
        Waiter waiter;
        lock (_lock)
        {
            var index = _unclaimed.FindIndex(e => EventName(e) == eventName && (predicate is null || predicate(e)));
            if (index >= 0)
            {
                var message = _unclaimed[index];
                _unclaimed.RemoveAt(index);
                return message;
            }

            if (_closedReason is not null)
            {
                throw new IOException($"The DAP connection closed before a '{eventName}' event arrived.", _closedReason);
            }

            waiter = new Waiter(eventName, predicate);
            _waiters.Add(waiter);
        }

        using var registration = cancellationToken.Register(() =>
        {
            lock (_lock)
            {
                _waiters.Remove(waiter);
            }

            waiter.Completion.TrySetCanceled(cancellationToken);
        });

        return await waiter.Completion.Task.ConfigureAwait(false);
    }

    /// <summary>Fails every current and future wait that the buffered events cannot satisfy.</summary>
    public void Close(Exception reason)
    {
        List<Waiter> waiters;
        lock (_lock)
        {
            _closedReason ??= reason;
            waiters = [.. _waiters];
            _waiters.Clear();
        }

        foreach (var waiter in waiters)
        {
            waiter.Completion.TrySetException(
                new IOException($"The DAP connection closed before a '{waiter.EventName}' event arrived.", reason));
        }
    }

    private static string? EventName(JsonObject message) => (string?)message["event"];

    private sealed class Waiter(string eventName, Func<JsonObject, bool>? predicate)
    {
        public string EventName { get; } = eventName;

        public TaskCompletionSource<JsonObject> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Matches(string? name, JsonObject message) => name == EventName && (predicate is null || predicate(message));
    }
}
