using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using Ptvsd.Relay;
using Ptvsd.WebSocketProxy.Configuration;

namespace Ptvsd.WebSocketProxy.Relay;

/// <summary>
/// Relays one authenticated WebSocket to one TCP connection to the debug server through the shared
/// <see cref="SocketWebSocketRelay"/>. The debug server is dialled only once the client has sent its first bytes, and
/// once dialled it is hung up on only after it has greeted the connection, whatever the client does: either mistake
/// breaks debugpy's adapter for every later client.
/// </summary>
public sealed partial class DebugSessionRelay(ProxyOptions options, DebugServerHealth health, ILogger<DebugSessionRelay> logger)
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    // debugpy's adapter greets each new connection at once, in two writes that come within a millisecond of each other.
    private static readonly TimeSpan DebugServerGreetingTime = TimeSpan.FromMilliseconds(100);

    /// <param name="stopping">The proxy is stopping; a client that goes away is seen by the WebSocket itself.</param>
    public async Task RunAsync(WebSocket webSocket, string sessionId, CancellationToken stopping)
    {
        var started = Stopwatch.GetTimestamp();
        var first = new byte[SocketWebSocketRelay.BufferSize];
        var firstCount = await ReceiveFirstBytesAsync(webSocket, first, stopping);
        if (firstCount == 0)
        {
            Log.ClosedBeforeSending(logger, sessionId);
            await SocketWebSocketRelay.CloseAsync(webSocket, new RelayClose(WebSocketCloseStatus.NormalClosure, "closed before sending anything"));
            return;
        }

        // Once dialled, the connection is seen through whatever the client does: a dial cut off by the client's loss
        // would reach the debug server as a connection that opens and closes empty.
        var (socket, connectProblem) = await ConnectAsync();
        using var connected = socket;
        if (socket is null)
        {
            Log.DebugServerUnreachable(logger, sessionId, options.DebugServer.ToString(), connectProblem);
            await SocketWebSocketRelay.CloseAsync(webSocket, new RelayClose(WebSocketCloseStatus.InternalServerError, $"debug server not reachable at {options.DebugServer}"));
            return;
        }

        Log.SessionConnected(logger, sessionId, options.DebugServer.ToString());

        // A server that lets the client's first bytes go unanswered is reported (the status page, then ptvsd probe);
        // its first answer calls the report off.
        using var answerTimeout = new CancellationTokenSource(options.DebugServerAnswerTimeout);
        using var unanswered = answerTimeout.Token.Register(() =>
        {
            health.Unanswered();
            Log.ServerNotAnswering(logger, sessionId, options.DebugServerAnswerTimeout.TotalSeconds);
        });

        var relay = new SocketWebSocketRelay(new RelayOptions
        {
            CloseFor = outcome => new RelayClose(CloseStatusOf(outcome.Ending), Describe(outcome.Ending)),
            SocketGreetingTime = DebugServerGreetingTime,
            SocketAnswered = () =>
            {
                unanswered.Unregister();
                health.Answered();
            },
        });
        var outcome = await relay.RunAsync(socket, webSocket, RelayStart.FromWebSocket(first.AsMemory(0, firstCount)), stopping);
        if (outcome.Problem is { } problem)
        {
            Log.RelayProblem(logger, sessionId, problem);
        }

        Log.SessionDisconnected(
            logger, sessionId, Describe(outcome.Ending), outcome.BytesToSocket, outcome.BytesToWebSocket, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    /// <summary>In the terms of the proxy's log and of the close reason its client sees.</summary>
    private static string Describe(RelayEnding ending) => ending switch
    {
        RelayEnding.SocketClosed => "debug server closed the connection",
        RelayEnding.SocketLost => "debug server connection lost",
        RelayEnding.Stopped => "the proxy is stopping",
        RelayEnding.WebSocketClosed => "client closed the session",
        _ => "client connection lost",
    };

    private static WebSocketCloseStatus CloseStatusOf(RelayEnding ending) => ending switch
    {
        RelayEnding.SocketLost => WebSocketCloseStatus.InternalServerError,
        RelayEnding.Stopped => WebSocketCloseStatus.EndpointUnavailable,
        _ => WebSocketCloseStatus.NormalClosure,
    };

    private static async Task<int> ReceiveFirstBytesAsync(WebSocket webSocket, byte[] buffer, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var result = await webSocket.ReceiveAsync(buffer, cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return 0;
                }

                if (result.Count > 0)
                {
                    return result.Count;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            return 0;
        }
    }

    /// <returns>The connected socket, or null and why the last address failed (for the log).</returns>
    private async Task<(Socket? Socket, string Problem)> ConnectAsync()
    {
        using var timeout = new CancellationTokenSource(ConnectTimeout);
        var problem = "no address to connect to";
        foreach (var address in options.DebugServer.LoopbackAddresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, options.DebugServer.Port), timeout.Token);
                return (socket, "");
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                socket.Dispose();
                problem = ex is SocketException socketError ? $"{address}: {socketError.SocketErrorCode}" : $"{address}: no answer within {ConnectTimeout.TotalSeconds:0} s";
            }
        }

        return (null, problem);
    }

    private static partial class Log
    {
        [LoggerMessage(10, LogLevel.Information, "Debug session {SessionId} connected to the debug server at {DebugServer}", EventName = "SessionConnected")]
        public static partial void SessionConnected(ILogger logger, string sessionId, string debugServer);

        [LoggerMessage(11, LogLevel.Information,
            "Debug session {SessionId} ended: {Reason}; {BytesToServer} bytes to the debug server, {BytesToClient} bytes to the client in {DurationSeconds:0.0} s",
            EventName = "SessionDisconnected")]
        public static partial void SessionDisconnected(ILogger logger, string sessionId, string reason, long bytesToServer, long bytesToClient, double durationSeconds);

        [LoggerMessage(12, LogLevel.Information, "Debug session {SessionId} closed before sending anything; the debug server was not contacted", EventName = "SessionClosedEmpty")]
        public static partial void ClosedBeforeSending(ILogger logger, string sessionId);

        [LoggerMessage(14, LogLevel.Debug, "Debug session {SessionId} ended on a failure: {Problem}", EventName = "RelayProblem")]
        public static partial void RelayProblem(ILogger logger, string sessionId, string problem);

        [LoggerMessage(15, LogLevel.Warning, "Debug session {SessionId}: the debug server has not answered the debugger in {TimeoutSeconds:0} s; if it stays silent, restart the app (ptvsd restart)", EventName = "DebugServerNotAnswering")]
        public static partial void ServerNotAnswering(ILogger logger, string sessionId, double timeoutSeconds);

        [LoggerMessage(13, LogLevel.Warning, "Debug session {SessionId}: the debug server is not reachable at {DebugServer} ({Problem})", EventName = "DebugServerUnreachable")]
        public static partial void DebugServerUnreachable(ILogger logger, string sessionId, string debugServer, string problem);
    }
}
