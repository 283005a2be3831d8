using System.Globalization;

namespace Ptvsd.Contract;

/// <summary>The values the SDK, the proxy and <c>ptvsd</c> must agree on besides setting names and the attach URI.</summary>
internal static class ProxyContract
{
    /// <summary>The proxy's endpoint, always at the site's root: the debug WebSocket and its status page.</summary>
    public const string DebugPath = "/ptvsd";

    /// <summary>Where an authenticated POST (Bearer only) restarts the app and its debugger.</summary>
    public const string RestartPath = DebugPath + "/restart";

    /// <summary>
    /// The response header that says why the proxy refused a debug session with 503, since a WebSocket client sees the
    /// status and headers of a refused upgrade but not its body.
    /// </summary>
    public const string RefusalHeader = "Ptvsd-Refusal";

    /// <summary><see cref="RefusalHeader"/>: every session the cap allows is in use.</summary>
    public const string SessionsFull = "sessions-full";

    /// <summary><see cref="RefusalHeader"/>: the site has no usable secret, so the relay is closed.</summary>
    public const string RelayClosed = "relay-closed";

    /// <summary>In an app command, the loopback port the proxy chose for the app; the SDK turns $PORT and the like into it.</summary>
    public const string InternalPortPlaceholder = "{port}";

    /// <summary>The proxy refuses shorter secrets; the SDK's are 32 characters.</summary>
    public const int MinimumSecretLength = 16;

    /// <summary>
    /// Debug sessions the proxy relays at once unless told otherwise. Each gunicorn worker is a session of its own,
    /// the master one more: App Service's multi-worker setting gives 2 × cores + 1 workers, 65 on a 32-core instance.
    /// A session costs a socket and two 64 KiB buffers, so the cap is set well above that.
    /// </summary>
    public const int DefaultMaxDebugSessions = 128;

    /// <summary>The most sessions a setting may ask for: beyond it a typo (an extra zero or two) rather than a plan.</summary>
    public const int MaxDebugSessionsLimit = 10_000;

    /// <summary>Reads a session cap as the SDK writes it and the proxy takes it: a whole number from 1 to <see cref="MaxDebugSessionsLimit"/>.</summary>
    public static bool TryParseMaxDebugSessions(string? text, out int cap) =>
        int.TryParse(text?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out cap) && cap is >= 1 and <= MaxDebugSessionsLimit;

    /// <summary>
    /// How often each side pings an idle debug WebSocket, under every front end's idle timeout (App Service's is
    /// 230 s), so a session paused at a breakpoint stays open.
    /// </summary>
    public const int KeepAliveSeconds = 15;

    /// <summary>Unanswered pings after which the other side is taken for gone.</summary>
    public const int KeepAliveMissedPings = 3;
}
