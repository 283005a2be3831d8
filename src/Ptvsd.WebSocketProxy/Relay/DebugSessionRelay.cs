using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using Ptvsd.WebSocketProxy.Configuration;

namespace Ptvsd.WebSocketProxy.Relay;

/// <summary>
/// Relays one authenticated WebSocket to one TCP connection to the debug server, raw bytes both ways.
/// The debug server is dialled only once the client has sent its first bytes, because a connection that
/// opens and closes empty breaks debugpy's adapter for every later client.
/// </summary>
public sealed partial class DebugSessionRelay(ProxyOptions options, ILogger<DebugSessionRelay> logger)
{
    // One message of debugpy's is rarely larger; bigger buffers only add memory per session.
    private const int BufferSize = 64 * 1024;
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    // How long one side may take to finish after the other has closed, before the session is torn down.
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

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

        using var socket = await ConnectAsync(cancellationToken);
        if (socket is null)
        {
            Log.DebugServerUnreachable(logger, sessionId, options.DebugServer.ToString());
            await CloseAsync(webSocket, WebSocketCloseStatus.InternalServerError, $"debug server not reachable at {options.DebugServer}", cancellationToken);
            return;
        }

        Log.SessionConnected(logger, sessionId, options.DebugServer.ToString());
        using var session = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var counters = new RelayCounters();

        var clientToServer = PumpClientToServerAsync(webSocket, socket, stream, toServer, firstCount, counters, session.Token);
        var serverToClient = PumpServerToClientAsync(webSocket, stream, counters, session.Token);

        string reason;
        if (await Task.WhenAny(clientToServer, serverToClient) == serverToClient)
        {
            // The debug server ended the session: tell the client why, then wait briefly for its close.
            reason = serverToClient.IsCompletedSuccessfully ? "debug server closed the connection" : "debug server connection lost";
            var status = serverToClient.IsCompletedSuccessfully ? WebSocketCloseStatus.NormalClosure : WebSocketCloseStatus.InternalServerError;
            await CloseAsync(webSocket, status, reason, session.Token);
            await WaitAsync(clientToServer, DrainTimeout);
        }
        else if (clientToServer.IsCompletedSuccessfully)
        {
            // The client closed cleanly: the debug server got EOF; pass on whatever it still sends, then close.
            reason = "client closed the session";
            await WaitAsync(serverToClient, DrainTimeout);
            await CloseAsync(webSocket, WebSocketCloseStatus.NormalClosure, reason, session.Token);
        }
        else if (clientToServer.Exception?.InnerException is IOException or SocketException)
        {
            reason = "debug server connection lost";
            await CloseAsync(webSocket, WebSocketCloseStatus.InternalServerError, reason, session.Token);
        }
        else
        {
            // The client vanished (no close, or keep-alive pings unanswered): drop the debug-server connection.
            reason = "client connection lost";
        }

        await session.CancelAsync();
        socket.Close();
        await WaitAsync(Task.WhenAll(clientToServer, serverToClient), DrainTimeout);

        Log.SessionDisconnected(logger, sessionId, reason, counters.ToServer, counters.ToClient, Stopwatch.GetElapsedTime(started).TotalSeconds);
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

    private async Task<Socket?> ConnectAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ConnectTimeout);
        foreach (var address in options.DebugServer.LoopbackAddresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, options.DebugServer.Port), timeout.Token);
                return socket;
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                socket.Dispose();
                if (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }
            }
        }

        return null;
    }

    private static async Task PumpClientToServerAsync(
        WebSocket webSocket, Socket socket, NetworkStream stream, byte[] buffer, int firstCount, RelayCounters counters, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(buffer.AsMemory(0, firstCount), cancellationToken);
        counters.AddToServer(firstCount);
        while (true)
        {
            // Not receiving until the write completes is the backpressure: a slow debug server slows the client.
            var result = await webSocket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                socket.Shutdown(SocketShutdown.Send);
                return;
            }

            await stream.WriteAsync(buffer.AsMemory(0, result.Count), cancellationToken);
            counters.AddToServer(result.Count);
        }
    }

    private static async Task PumpServerToClientAsync(WebSocket webSocket, NetworkStream stream, RelayCounters counters, CancellationToken cancellationToken)
    {
        var buffer = new byte[BufferSize];
        while (true)
        {
            var count = await stream.ReadAsync(buffer, cancellationToken);
            if (count == 0)
            {
                return;
            }

            await webSocket.SendAsync(buffer.AsMemory(0, count), WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);
            counters.AddToClient(count);
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

    private sealed class RelayCounters
    {
        private long _toServer;
        private long _toClient;

        public long ToServer => Interlocked.Read(ref _toServer);

        public long ToClient => Interlocked.Read(ref _toClient);

        public void AddToServer(int count) => Interlocked.Add(ref _toServer, count);

        public void AddToClient(int count) => Interlocked.Add(ref _toClient, count);
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

        [LoggerMessage(13, LogLevel.Warning, "Debug session {SessionId}: the debug server is not reachable at {DebugServer}", EventName = "DebugServerUnreachable")]
        public static partial void DebugServerUnreachable(ILogger logger, string sessionId, string debugServer);
    }
}
