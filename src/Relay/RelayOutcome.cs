namespace Ptvsd.Relay;

/// <summary>Which end of a relayed session finished first, and how.</summary>
internal enum RelayEnding
{
    /// <summary>The TCP peer closed its side (end of stream).</summary>
    SocketClosed,

    /// <summary>The TCP connection failed (reset, or a write that could not complete).</summary>
    SocketLost,

    /// <summary>The caller stopped reading the TCP side (ptvsd attach's Ctrl+C, the proxy shutting down).</summary>
    Stopped,

    /// <summary>The WebSocket peer sent a close frame.</summary>
    WebSocketClosed,

    /// <summary>The WebSocket failed: aborted, a keep-alive timeout, a dropped connection.</summary>
    WebSocketLost,
}

/// <summary>
/// How a relayed session ended, decided once from what each direction saw, never guessed afterwards from exception
/// types: which end finished first and how, why (for a failure), the close reason the WebSocket peer gave, and the
/// bytes each way.
/// </summary>
/// <param name="BytesDropped">Bytes the TCP peer sent after the WebSocket was gone, read so that it is never reset.</param>
internal sealed record RelayOutcome(
    RelayEnding Ending, string? Problem, string? WebSocketCloseDescription, long BytesToSocket, long BytesToWebSocket, long BytesDropped)
{
    /// <summary>Whether the TCP end (or the caller, on its behalf) finished first.</summary>
    public bool SocketEndedFirst => Ending is RelayEnding.SocketClosed or RelayEnding.SocketLost or RelayEnding.Stopped;
}
