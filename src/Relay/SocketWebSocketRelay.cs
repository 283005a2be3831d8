using System.Diagnostics;
using System.Net.Sockets;
using System.Net.WebSockets;

namespace Ptvsd.Relay;

/// <summary>
/// Relays one TCP connection and one WebSocket to each other, raw bytes both ways, one binary message per read: the
/// proxy relays a debugger's WebSocket to the debug server, <c>ptvsd attach</c> a debugger's connection to the site.
/// Each direction reads no more than the other side has taken (backpressure), and how the session ended comes back
/// as a <see cref="RelayOutcome"/>. Dialling only once the first bytes have arrived is the caller's part: it hands
/// those bytes over in <see cref="RelayStart"/>.
/// </summary>
internal sealed class SocketWebSocketRelay(RelayOptions options)
{
    /// <summary>One debugpy message rarely needs more; PTVS's relay and Azure's tunnel use the same.</summary>
    public const int BufferSize = 64 * 1024;

    // How long one side may take to finish after the other has ended, before the session is torn down.
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

    // How long hanging up may wait for the TCP peer to greet, and to close its side after the EOF. debugpy's adapter
    // does both within milliseconds; only a peer that never answers waits this out.
    private static readonly TimeSpan HangUpGrace = TimeSpan.FromSeconds(3);

    /// <summary>Relays until either end finishes, then ends the other as <see cref="RunAsync"/>'s steps say.</summary>
    /// <param name="stopping">Stops reading the TCP side: the session then ends as if its peer had left.</param>
    public async Task<RelayOutcome> RunAsync(Socket socket, WebSocket webSocket, RelayStart start, CancellationToken stopping)
    {
        var session = new Session(socket, webSocket, options);
        using var abort = new CancellationTokenSource();
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(stopping, abort.Token);
        var socketToWebSocket = session.SocketToWebSocketAsync(start.ToWebSocket, reading.Token, abort.Token);
        var webSocketToSocket = session.WebSocketToSocketAsync(start.ToSocket, abort.Token);

        // 1. The direction that finishes first tells how the session ended.
        var (ending, problem) = await await Task.WhenAny(socketToWebSocket, webSocketToSocket);
        var outcome = session.Outcome(ending, problem);

        // 2. The TCP end finished first: tell the WebSocket peer why, and give it a moment to answer the close (what
        //    it sends until then still goes on to the TCP peer).
        if (outcome.SocketEndedFirst)
        {
            await CloseAsync(webSocket, options.CloseFor(outcome));
            await WaitAsync(webSocketToSocket);
        }

        // 3. Hang up on the TCP peer as a peer that leaves does; this also cuts off whatever still runs.
        await session.HangUpAsync(socketToWebSocket, abort);

        // 4. The WebSocket peer closed first: answer its close, after the last of the TCP peer's bytes.
        if (ending == RelayEnding.WebSocketClosed)
        {
            await CloseAsync(webSocket, options.CloseFor(outcome));
        }

        // 5. Let both directions finish their cut-off reads and writes.
        await WaitAsync(Task.WhenAll(socketToWebSocket, webSocketToSocket));
        return session.Outcome(ending, problem);
    }

    /// <summary>Sends a close, unless the WebSocket is past that; a peer that is gone, or that takes too long, is left be.</summary>
    public static async Task CloseAsync(WebSocket webSocket, RelayClose close)
    {
        if (webSocket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        using var timeout = new CancellationTokenSource(DrainTimeout);
        try
        {
            await webSocket.CloseOutputAsync(close.Status, close.Reason, timeout.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException)
        {
            // The peer is already gone; there is nobody left to tell.
            return;
        }
    }

    /// <summary>Waits for a direction up to <see cref="DrainTimeout"/>; directions never throw, so only the limit can end the wait early.</summary>
    private static async Task WaitAsync(Task direction) =>
        await direction.WaitAsync(DrainTimeout).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

    /// <summary>One relayed session's two directions and what they have counted.</summary>
    private sealed class Session(Socket socket, WebSocket webSocket, RelayOptions options)
    {
        private long _toSocket;
        private long _toWebSocket;
        private long _dropped;
        private long _socketFirstSpokeAt;
        private volatile bool _webSocketGone;
        private string? _webSocketCloseDescription;

        public RelayOutcome Outcome(RelayEnding ending, string? problem) => new(
            ending, problem, _webSocketCloseDescription, Interlocked.Read(ref _toSocket), Interlocked.Read(ref _toWebSocket), Interlocked.Read(ref _dropped));

        /// <summary>
        /// TCP to WebSocket. Keeps reading after the WebSocket is gone, dropping what it reads, so that the TCP peer is
        /// never reset for want of a reader; the WebSocket's loss is the other direction's to report.
        /// </summary>
        public async Task<(RelayEnding, string?)> SocketToWebSocketAsync(ReadOnlyMemory<byte> first, CancellationToken reading, CancellationToken abort)
        {
            var buffer = new byte[BufferSize];
            var chunk = first;
            while (true)
            {
                if (!chunk.IsEmpty)
                {
                    await SendToWebSocketAsync(chunk, abort);
                }

                int count;
                try
                {
                    count = await socket.ReceiveAsync(buffer, SocketFlags.None, reading);
                }
                catch (OperationCanceledException)
                {
                    return (RelayEnding.Stopped, null);
                }
                catch (SocketException ex)
                {
                    return (RelayEnding.SocketLost, ex.SocketErrorCode.ToString());
                }

                if (count == 0)
                {
                    return (RelayEnding.SocketClosed, null);
                }

                // This direction alone writes the stamp, so after the first read this is one comparison per read.
                if (_socketFirstSpokeAt == 0)
                {
                    Volatile.Write(ref _socketFirstSpokeAt, Stopwatch.GetTimestamp());
                    options.SocketAnswered?.Invoke();
                }

                chunk = buffer.AsMemory(0, count);
            }
        }

        /// <summary>WebSocket to TCP: each binary message's bytes, in order, until a close frame or a failure.</summary>
        public async Task<(RelayEnding, string?)> WebSocketToSocketAsync(ReadOnlyMemory<byte> first, CancellationToken abort)
        {
            var buffer = new byte[BufferSize];
            var chunk = first;
            while (true)
            {
                try
                {
                    // Not receiving again until the write completes is the backpressure: a slow TCP peer slows the WebSocket's.
                    for (var sent = 0; sent < chunk.Length;)
                    {
                        sent += await socket.SendAsync(chunk[sent..], SocketFlags.None, abort);
                    }
                }
                catch (SocketException ex)
                {
                    return (RelayEnding.SocketLost, ex.SocketErrorCode.ToString());
                }
                catch (OperationCanceledException)
                {
                    // Cut off by the teardown, so after the session's ending was decided: nobody reads this result.
                    return (RelayEnding.Stopped, null);
                }

                Interlocked.Add(ref _toSocket, chunk.Length);
                ValueWebSocketReceiveResult result;
                try
                {
                    result = await webSocket.ReceiveAsync(buffer.AsMemory(), abort);
                }
                catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
                {
                    _webSocketGone = true;
                    return (RelayEnding.WebSocketLost, ex.Message);
                }

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    _webSocketCloseDescription = webSocket.CloseStatusDescription;
                    return (RelayEnding.WebSocketClosed, null);
                }

                chunk = buffer.AsMemory(0, result.Count);
            }
        }

        /// <summary>
        /// Ends the TCP connection as a peer that leaves does, once the other side has had its say:
        /// 1. wait until the TCP peer has spoken and its first bytes are <see cref="RelayOptions.SocketGreetingTime"/> old
        ///    (or the grace period passes), unless it has already finished;
        /// 2. EOF;
        /// 3. keep reading, relaying or dropping, until the peer closes its side (or the grace period passes);
        /// 4. close.
        /// debugpy 1.6's adapter greets every connection with two writes on the thread that accepts connections, while
        /// another thread already reads it. An EOF or a reset before those writes are done makes the reader close the
        /// connection under the writer, which ends the accepting thread: the adapter keeps listening but never accepts
        /// anyone again. Closing with the peer's bytes unread sends a reset, so step 3 matters as much as step 1.
        /// </summary>
        public async Task HangUpAsync(Task socketToWebSocket, CancellationTokenSource abort)
        {
            using var grace = new CancellationTokenSource(HangUpGrace);
            try
            {
                while (!socketToWebSocket.IsCompleted && !SocketSpokeAtLeast(options.SocketGreetingTime))
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(25), grace.Token);
                }

                if (!socketToWebSocket.IsCompleted)
                {
                    socket.Shutdown(SocketShutdown.Send);
                    await socketToWebSocket.WaitAsync(grace.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                // The peer reset the connection or let the grace period pass: either way it has had its say.
            }
            finally
            {
                await abort.CancelAsync();
                socket.Close();
            }
        }

        private bool SocketSpokeAtLeast(TimeSpan period) =>
            period <= TimeSpan.Zero
            || (Volatile.Read(ref _socketFirstSpokeAt) is var spokeAt and not 0 && Stopwatch.GetElapsedTime(spokeAt) >= period);

        private async Task SendToWebSocketAsync(ReadOnlyMemory<byte> chunk, CancellationToken abort)
        {
            if (_webSocketGone)
            {
                Interlocked.Add(ref _dropped, chunk.Length);
                return;
            }

            try
            {
                await webSocket.SendAsync(chunk, WebSocketMessageType.Binary, endOfMessage: true, abort);
                Interlocked.Add(ref _toWebSocket, chunk.Length);
            }
            catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
            {
                _webSocketGone = true;
                Interlocked.Add(ref _dropped, chunk.Length);
            }
        }
    }
}

/// <summary>The first bytes, read by the caller before it dialled the other side, and where they go.</summary>
internal readonly record struct RelayStart(ReadOnlyMemory<byte> ToSocket, ReadOnlyMemory<byte> ToWebSocket)
{
    public static RelayStart FromWebSocket(ReadOnlyMemory<byte> bytes) => new(bytes, ReadOnlyMemory<byte>.Empty);

    public static RelayStart FromSocket(ReadOnlyMemory<byte> bytes) => new(ReadOnlyMemory<byte>.Empty, bytes);
}

/// <summary>A WebSocket close: its status and the reason the peer sees (at most 123 bytes of UTF-8).</summary>
internal readonly record struct RelayClose(WebSocketCloseStatus Status, string Reason);

/// <summary>What differs between the relay's users.</summary>
internal sealed class RelayOptions
{
    /// <summary>How the WebSocket is closed when the TCP end finished first, and how a close from its peer is answered.</summary>
    public required Func<RelayOutcome, RelayClose> CloseFor { get; init; }

    /// <summary>
    /// How old the TCP peer's first bytes must be before the relay sends it EOF: the time it takes to greet a new
    /// connection (debugpy's adapter: two writes at once). Zero for a peer with nothing to greet with.
    /// </summary>
    public TimeSpan SocketGreetingTime { get; init; }

    /// <summary>Called once, when the TCP peer's first bytes arrive.</summary>
    public Action? SocketAnswered { get; init; }
}
