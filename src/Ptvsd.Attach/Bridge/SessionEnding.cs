namespace Ptvsd.Attach.Bridge;

/// <summary>How a bridged session ended, as the session line reports it.</summary>
internal sealed record SessionEnding(string Description, SessionEndingKind Kind)
{
    public static readonly SessionEnding DebuggerClosed = new("the debugger disconnected", SessionEndingKind.DebuggerSide);
    public static readonly SessionEnding Stopped = new("ptvsd attach stopped", SessionEndingKind.DebuggerSide);
    public static readonly SessionEnding Aborted = new("torn down", SessionEndingKind.Aborted);

    public static SessionEnding DebuggerLost(string problem) => new($"the debugger's connection was lost ({problem})", SessionEndingKind.DebuggerSide);

    public static SessionEnding SiteClosed(string? reason) =>
        new(string.IsNullOrEmpty(reason) ? "the site closed the session" : $"the site closed the session: {reason}", SessionEndingKind.SiteClosed);

    public static SessionEnding SiteLost(string problem) => new($"the connection to the site was lost ({problem})", SessionEndingKind.SiteLost);

    /// <summary>
    /// The reason sent in our WebSocket close frame; the proxy logs it. Only for endings on the debugger's side:
    /// there the WebSocket is still open and ours to close.
    /// </summary>
    public string CloseReason => Description.Length <= 120 ? Description : Description[..120];
}

internal enum SessionEndingKind
{
    /// <summary>The debugger left (or ptvsd attach is stopping): the WebSocket is still open, and we close it.</summary>
    DebuggerSide,

    /// <summary>The site sent a close frame: the debugger is told by end of stream.</summary>
    SiteClosed,

    /// <summary>The WebSocket failed: nobody is left at the site to tell.</summary>
    SiteLost,

    /// <summary>The pump was cut off by the session's own teardown; never the first ending.</summary>
    Aborted,
}
