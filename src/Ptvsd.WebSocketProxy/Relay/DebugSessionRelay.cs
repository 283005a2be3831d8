using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using Ptvsd.WebSocketProxy.Configuration;

namespace Ptvsd.WebSocketProxy.Relay;

/// <summary>
/// Relays one authenticated WebSocket to one TCP connection to the debug server, raw bytes both ways.
/// The debug server is dialled only once the client has sent its first bytes, and once dialled it is hung up on only
/// after it has had its say, whatever the client does (see <see cref="HangUpAsync"/>): either mistake breaks debugpy's
/// adapter for every later client.
/// </summary>
public sealed partial class DebugSessionRelay(ProxyOptions options, DebugServerHealth health, ILogger<DebugSessionRelay> logger)
{
    // One message of debugpy's is rarely larger; bigger buffers only add memory per session.
    private const int BufferSize = 64 * 1024;
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    // How long one side may take to finish after the other has closed, before the session is torn down.
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

    // How long hanging up may wait for the debug server to speak, finish its greeting and close its side after the EOF.
    // debugpy's adapter does all of it within milliseconds; only a server that never answers waits this out.
    private static readonly TimeSpan HangUpGrace = TimeSpan.FromSeconds(3);

    // How long after its first bytes the debug server is taken to have finished greeting a connection: debugpy's
    // adapter writes its greeting at once, in two writes that come within a millisecond of each other.
    private static readonly TimeSpan ServerGreetingTime = TimeSpan.FromMilliseconds(100);

    public async Task RunAsync(WebSocket webSocket, string sessionId, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var toServer = new byte[BufferSize];
        var firstCount = await ReceiveFirstBytesAsync(webSocket, toServer, cancellationToken);
        if (firstCount == 0)
        {
            Log.ClosedBeforeSending(logger, sessionId);
            await CloseAsync(webSocket, WebSocketCloseStatus.NormalClosure, "closed before sending anything", cancellationToken);
            return;
        }

        // Once dialled, the connection is seen through whatever the client does: a dial cut off by the client's loss
        // would reach the debug server as a connection that opens and closes empty.
        var (socket, connectProblem) = await ConnectAsync();
        using var connected = socket;
        if (socket is null)
        {
            Log.DebugServerUnreachable(logger, sessionId, options.DebugServer.ToString(), connectProblem);
            await CloseAsync(webSocket, WebSocketCloseStatus.InternalServerError, $"debug server not reachable at {options.DebugServer}", cancellationToken);
            return;
        }

        Log.SessionConnected(logger, sessionId, options.DebugServer.ToString());
        using var session = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        // The debug server is read until the relay hangs up on it, not only until the client goes.
        using var serverReading = new CancellationTokenSource();
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var counters = new RelayCounters();

        // A server that lets the client's first bytes go unanswered is reported (the status page, then ptvsd probe).
        var serverAnswered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var answerTimeout = new CancellationTokenSource(options.DebugServerAnswerTimeout);
        using var unanswered = answerTimeout.Token.Register(() =>
        {
            if (!serverAnswered.Task.IsCompleted)
            {
                health.Unanswered();
                Log.ServerNotAnswering(logger, sessionId, options.DebugServerAnswerTimeout.TotalSeconds);
            }
        });

        var clientToServer = PumpClientToServerAsync(webSocket, stream, toServer, firstCount, counters, session.Token);
        var serverToClient = PumpServerToClientAsync(webSocket, stream, counters, serverAnswered, health, serverReading.Token);

        var first = await Task.WhenAny(clientToServer, serverToClient);
        var ending = webSocket.State == WebSocketState.Aborted
            ? SessionEnding.ClientLost // Whatever either pump saw, a keep-alive timeout or a dropped client aborts the WebSocket.
            : clientToServer.IsCompletedSuccessfully || webSocket.State == WebSocketState.CloseReceived
                ? SessionEnding.ClientClosed
                : SessionEnding.Of(first, serverSide: first == serverToClient);
        if (first.Exception is { } failure)
        {
            Log.PumpFailed(logger, sessionId, failure.InnerException?.GetType().Name, failure.InnerException?.Message);
        }

        if (ending == SessionEnding.ServerClosed || ending == SessionEnding.ServerLost)
        {
            // The debug server ended the session: tell the client why, then give it a moment to answer the close.
            await CloseAsync(webSocket, ending.CloseStatus, ending.Reason, session.Token);
            await WaitAsync(clientToServer, DrainTimeout);
        }

        // A client that closed still gets what the debug server says after the EOF; one that vanished (no close, or
        // keep-alive pings unanswered) has nobody left to tell, and what the server says is dropped.
        await HangUpAsync(socket, serverToClient, serverReading, counters);
        if (ending == SessionEnding.ClientClosed)
        {
            await CloseAsync(webSocket, ending.CloseStatus, ending.Reason, session.Token);
        }

        await session.CancelAsync();
        await WaitAsync(Task.WhenAll(clientToServer, serverToClient), DrainTimeout);

        Log.SessionDisconnected(logger, sessionId, ending.Reason, counters.ToServer, counters.ToClient, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

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

    private static async Task PumpClientToServerAsync(
        WebSocket webSocket, NetworkStream stream, byte[] buffer, int firstCount, RelayCounters counters, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(buffer.AsMemory(0, firstCount), cancellationToken);
        counters.AddToServer(firstCount);
        while (true)
        {
            // Not receiving until the write completes is the backpressure: a slow debug server slows the client.
            var result = await webSocket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                // The debug server hears of it when the relay hangs up, once it has had its say.
                return;
            }

            await stream.WriteAsync(buffer.AsMemory(0, result.Count), cancellationToken);
            counters.AddToServer(result.Count);
        }
    }

    /// <summary>
    /// Reads the debug server until it closes or the relay hangs up, sending what it reads to the client while the
    /// client is there and dropping it after, so that the server is never reset for want of a reader.
    /// </summary>
    private static async Task PumpServerToClientAsync(
        WebSocket webSocket, NetworkStream stream, RelayCounters counters, TaskCompletionSource serverAnswered, DebugServerHealth health, CancellationToken cancellationToken)
    {
        var buffer = new byte[BufferSize];
        var clientGone = false;
        while (true)
        {
            var count = await stream.ReadAsync(buffer, cancellationToken);
            if (count == 0)
            {
                return;
            }

            counters.ServerSpoke();
            if (serverAnswered.TrySetResult())
            {
                health.Answered();
            }

            if (clientGone)
            {
                continue;
            }

            try
            {
                await webSocket.SendAsync(buffer.AsMemory(0, count), WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);
                counters.AddToClient(count);
            }
            catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // The client is gone (its side of the session ends on this too); the server's bytes have no one to go to.
                clientGone = true;
            }
        }
    }

    /// <summary>
    /// Ends the debug server's connection as a debugger that leaves does, once the server has had its say:
    /// 1. wait until the server has spoken and finished its greeting (or the grace period passes);
    /// 2. EOF;
    /// 3. keep reading until the server closes its side (or the grace period passes);
    /// 4. close.
    /// debugpy 1.6's adapter greets every connection with two writes on the thread that accepts connections, while
    /// another thread already reads it. An EOF or a reset that arrives before those writes are done makes the reader
    /// close the connection under the writer, which ends the accepting thread: the adapter keeps listening but never
    /// accepts anyone again. Closing with the server's bytes unread sends a reset, so step 3 matters as much as step 1.
    /// </summary>
    private static async Task HangUpAsync(Socket socket, Task serverToClient, CancellationTokenSource serverReading, RelayCounters counters)
    {
        using var grace = new CancellationTokenSource(HangUpGrace);
        try
        {
            while (!serverToClient.IsCompleted && !counters.ServerSpokeAtLeast(ServerGreetingTime))
            {
                await Task.Delay(ServerGreetingTime / 4, grace.Token);
            }

            if (!serverToClient.IsCompleted)
            {
                socket.Shutdown(SocketShutdown.Send);
                await serverToClient.WaitAsync(grace.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            // The server reset the connection or let the grace period pass: either way it has had its say.
        }
        finally
        {
            await serverReading.CancelAsync();
            socket.Close();
        }
    }

    private static async Task CloseAsync(WebSocket webSocket, WebSocketCloseStatus status, string reason, CancellationToken cancellationToken)
    {
        if (webSocket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        try
        {
            await webSocket.CloseOutputAsync(status, reason, cancellationToken);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            // The client is already gone; there is nobody left to tell.
        }
    }

    /// <summary>Waits for a pump to finish, up to a limit; its own failure was already accounted for by the caller.</summary>
    private static async Task WaitAsync(Task task, TimeSpan limit)
    {
        try
        {
            await task.WaitAsync(limit);
        }
        catch (Exception ex) when (ex is TimeoutException or WebSocketException or OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // A pump that ends by failure or is cut off by the limit is how a session ends; it is logged once, above.
        }
    }

    /// <summary>How a session ended, told apart by which side finished first and how.</summary>
    private sealed class SessionEnding(string reason, WebSocketCloseStatus closeStatus)
    {
        public static readonly SessionEnding ServerClosed = new("debug server closed the connection", WebSocketCloseStatus.NormalClosure);
        public static readonly SessionEnding ServerLost = new("debug server connection lost", WebSocketCloseStatus.InternalServerError);
        public static readonly SessionEnding ClientClosed = new("client closed the session", WebSocketCloseStatus.NormalClosure);
        public static readonly SessionEnding ClientLost = new("client connection lost", WebSocketCloseStatus.EndpointUnavailable);

        public string Reason { get; } = reason;

        public WebSocketCloseStatus CloseStatus { get; } = closeStatus;

        public static SessionEnding Of(Task pump, bool serverSide) => pump.Exception?.InnerException switch
        {
            null => serverSide ? ServerClosed : ClientClosed,

            // The WebSocket reports its own transport's failures as WebSocketException, so a bare socket
            // or I/O error can only come from the debug server's connection.
            IOException or SocketException => ServerLost,
            _ => ClientLost,
        };
    }

    private sealed class RelayCounters
    {
        private long _toServer;
        private long _toClient;
        private long _serverFirstSpokeAt;

        public long ToServer => Interlocked.Read(ref _toServer);

        public long ToClient => Interlocked.Read(ref _toClient);

        public void AddToServer(int count) => Interlocked.Add(ref _toServer, count);

        public void AddToClient(int count) => Interlocked.Add(ref _toClient, count);

        public void ServerSpoke() => Interlocked.CompareExchange(ref _serverFirstSpokeAt, Stopwatch.GetTimestamp(), 0);

        /// <summary>Whether the debug server's first bytes arrived at least <paramref name="period"/> ago.</summary>
        public bool ServerSpokeAtLeast(TimeSpan period) =>
            Interlocked.Read(ref _serverFirstSpokeAt) is var spokeAt and not 0 && Stopwatch.GetElapsedTime(spokeAt) >= period;
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

        [LoggerMessage(14, LogLevel.Debug, "Debug session {SessionId} relay stopped on {ExceptionType}: {Problem}", EventName = "RelayPumpFailed")]
        public static partial void PumpFailed(ILogger logger, string sessionId, string? exceptionType, string? problem);

        [LoggerMessage(15, LogLevel.Warning, "Debug session {SessionId}: the debug server has not answered the debugger in {TimeoutSeconds:0} s; if it stays silent, restart the app (ptvsd restart)", EventName = "DebugServerNotAnswering")]
        public static partial void ServerNotAnswering(ILogger logger, string sessionId, double timeoutSeconds);

        [LoggerMessage(13, LogLevel.Warning, "Debug session {SessionId}: the debug server is not reachable at {DebugServer} ({Problem})", EventName = "DebugServerUnreachable")]
        public static partial void DebugServerUnreachable(ILogger logger, string sessionId, string debugServer, string problem);
    }
}
