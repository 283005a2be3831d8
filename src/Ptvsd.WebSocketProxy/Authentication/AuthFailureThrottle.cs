using System.Collections.Concurrent;
using System.Net;
using Ptvsd.WebSocketProxy.Configuration;

namespace Ptvsd.WebSocketProxy.Authentication;

/// <summary>How the throttle answers one failed authentication.</summary>
/// <param name="Throttled">The client, or all clients together, spent the window's budget of failures.</param>
/// <param name="RetryAfter">When the budget that ran out is renewed.</param>
/// <param name="JustStarted">This failure is the one that spent it: worth one log line, the ones after it are not.</param>
public readonly record struct ThrottleVerdict(bool Throttled, TimeSpan RetryAfter, bool JustStarted);

/// <summary>
/// Slows guessing of the secret without ever standing between the developer and the relay. Failed authentications are
/// counted per client address and for all clients together, in fixed windows; once either budget is spent, further
/// failures get 429 until the window ends. Only failures are ever counted or refused: a request with the right secret
/// is let in whatever the counts say, because behind App Service's front end or IIS every client shares one address,
/// and refusing by address would let anyone lock every developer out. Only the connection's own remote address is
/// used: X-Forwarded-For is written by whoever sends the request and would let a guesser pick a fresh one.
/// </summary>
public sealed class AuthFailureThrottle(ProxyOptions options, TimeProvider time)
{
    // Bounds memory under a flood from many addresses; the overall budget still covers addresses past this.
    private const int MaxTrackedAddresses = 10_000;

    private readonly ConcurrentDictionary<IPAddress, Window> _windows = new();
    private readonly Window _overall = new();

    public ThrottleVerdict RecordFailure(IPAddress? client)
    {
        var now = time.GetUtcNow();
        var overall = _overall.Count(now, options.AuthFailureWindow, options.MaxAuthFailuresOverall);
        var perClient = TrackedWindow(client, now)?.Count(now, options.AuthFailureWindow, options.MaxAuthFailures);

        if (perClient is { Throttled: true } && (!overall.Throttled || perClient.Value.RetryAfter >= overall.RetryAfter))
        {
            return perClient.Value;
        }

        return overall.Throttled ? overall : new ThrottleVerdict(false, TimeSpan.Zero, false);
    }

    private Window? TrackedWindow(IPAddress? client, DateTimeOffset now)
    {
        if (client is null)
        {
            return null;
        }

        if (_windows.TryGetValue(client, out var window))
        {
            return window;
        }

        if (_windows.Count >= MaxTrackedAddresses)
        {
            foreach (var (address, tracked) in _windows)
            {
                if (tracked.HasEnded(now))
                {
                    _windows.TryRemove(address, out _);
                }
            }

            if (_windows.Count >= MaxTrackedAddresses)
            {
                return null;
            }
        }

        return _windows.GetOrAdd(client, _ => new Window());
    }

    private sealed class Window
    {
        private DateTimeOffset _ends;
        private int _failures;

        public bool HasEnded(DateTimeOffset now)
        {
            lock (this)
            {
                return now >= _ends;
            }
        }

        public ThrottleVerdict Count(DateTimeOffset now, TimeSpan length, int budget)
        {
            lock (this)
            {
                if (now >= _ends)
                {
                    _ends = now + length;
                    _failures = 0;
                }

                _failures = _failures == int.MaxValue ? _failures : _failures + 1;
                return new ThrottleVerdict(_failures > budget, _ends - now, _failures == budget + 1);
            }
        }
    }
}
