namespace Ptvsd.WebSocketProxy.App;

public enum AppState
{
    /// <summary>No app command and no app URL: the proxy serves /ptvsd alone.</summary>
    None,

    /// <summary>Forwarding to an app the proxy did not start (<c>--app-url</c>).</summary>
    External,
    Starting,
    Running,
    Restarting,
    Stopped,
}

/// <summary>A snapshot of the app as the status page and the forwarder see it.</summary>
public sealed record AppStatus(AppState State, Uri? Url, int? ProcessId, int Restarts, string? LastExit)
{
    public bool CanForward => State is AppState.Running or AppState.External;
}
