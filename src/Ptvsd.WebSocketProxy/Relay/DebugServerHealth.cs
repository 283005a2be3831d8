namespace Ptvsd.WebSocketProxy.Relay;

/// <summary>
/// Whether the debug server answered the last debugger that spoke to it. A debugpy adapter can wedge (after an empty
/// connection, or a client that left mid-session): it keeps listening and accepting, so the listener table calls it
/// reachable, but it answers nobody. The relay sees that without opening a connection of its own, and the status
/// page reports it, so `ptvsd probe` can suggest `ptvsd restart`.
/// </summary>
public sealed class DebugServerHealth(TimeProvider time)
{
    private readonly Lock _lock = new();
    private DateTimeOffset? _unansweredSince;

    /// <summary>Since when a debugger's bytes went unanswered for the relay's answer timeout; null while all is well.</summary>
    public DateTimeOffset? UnansweredSince
    {
        get
        {
            lock (_lock)
            {
                return _unansweredSince;
            }
        }
    }

    /// <summary>A session's first bytes got no answer in time.</summary>
    public void Unanswered()
    {
        lock (_lock)
        {
            _unansweredSince ??= time.GetUtcNow();
        }
    }

    /// <summary>The debug server answered a session, or a new app start has a new one.</summary>
    public void Answered()
    {
        lock (_lock)
        {
            _unansweredSince = null;
        }
    }
}
