using Ptvsd.WebSocketProxy.Configuration;

namespace Ptvsd.WebSocketProxy.Relay;

/// <summary>Caps concurrent debug sessions; each one holds a debug-server socket and two 64 KiB buffers.</summary>
public sealed class SessionLimiter(ProxyOptions options)
{
    private int _active;

    public int Active => Volatile.Read(ref _active);

    public int Maximum => options.MaxSessions;

    public bool TryEnter()
    {
        while (true)
        {
            var active = Volatile.Read(ref _active);
            if (active >= options.MaxSessions)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _active, active + 1, active) == active)
            {
                return true;
            }
        }
    }

    public void Exit() => Interlocked.Decrement(ref _active);
}
