using System.Collections.Concurrent;
using System.Net;
using Ptvsd.WebSocketProxy.Configuration;

namespace Ptvsd.WebSocketProxy.Authentication;

/// <summary>
/// Counts failed authentications per client address in a fixed window and refuses a client that has used
/// up its budget, so the secret cannot be guessed at line rate. Only the connection's own remote address is
/// used: X-Forwarded-For is written by whoever sends the request and would let a guesser pick a fresh one.
/// </summary>
public sealed class AuthFailureThrottle(ProxyOptions options, TimeProvider time)
{
    // Bounds memory under a flood from many addresses; a full table is emptied of expired windows first.
    private const int MaxTrackedAddresses = 10_000;

    private readonly ConcurrentDictionary<IPAddress, Window> _windows = new();

    public bool IsThrottled(IPAddress? client, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (client is null || !_windows.TryGetValue(client, out var window))
        {
            return false;
        }

        var now = time.GetUtcNow();
        lock (window)
        {
            if (now >= window.Ends)
            {
                return false;
            }

            retryAfter = window.Ends - now;
            return window.Failures >= options.MaxAuthFailures;
        }
    }

    public void RecordFailure(IPAddress? client)
    {
        if (client is null)
        {
            return;
        }

        var now = time.GetUtcNow();
        if (_windows.Count >= MaxTrackedAddresses)
        {
            foreach (var (address, expired) in _windows)
            {
                if (now >= expired.Ends)
                {
                    _windows.TryRemove(address, out _);
                }
            }
        }

        var window = _windows.GetOrAdd(client, _ => new Window());
        lock (window)
        {
            if (now >= window.Ends)
            {
                window.Ends = now + options.AuthFailureWindow;
                window.Failures = 0;
            }

            window.Failures++;
        }
    }

    private sealed class Window
    {
        public DateTimeOffset Ends { get; set; }

        public int Failures { get; set; }
    }
}
