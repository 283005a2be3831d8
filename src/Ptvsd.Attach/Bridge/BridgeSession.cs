using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using Ptvsd.Attach.Site;

namespace Ptvsd.Attach.Bridge;

/// <summary>
/// Relays one local debugger connection to one WebSocket session at the site, raw bytes both ways. The WebSocket is
/// opened only once the debugger has sent its first bytes: a connection that opens and closes empty must never
/// reach debugpy, whose adapter it breaks for every later client.
/// </summary>
internal sealed class BridgeSession(int id, Socket debugger, SiteClient site, BridgeReport report)
{
    // As the proxy's relay, PTVS and Kudu's tunnel: one debugpy message rarely needs more.
    private const int BufferSize = 64 * 1024;

    // How long one side may take to finish after the other has ended, before the session is torn down.
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

    private readonly EndPoint? _debuggerEndPoint = debugger.RemoteEndPoint;

    public async Task RunAsync(CancellationToken stopping)
    {
        var started = Stopwatch.GetTimestamp();
        var toSite = new byte[BufferSize];
        int firstCount;
        WebSocket webSocket;
        try
        {
            firstCount = await ReceiveFirstBytesAsync(toSite, stopping);
            if (firstCount == 0)
            {
                report.ClosedEmpty(id, _debuggerEndPoint);
                return;
            }

            webSocket = await site.ConnectAsync(stopping);
        }
        catch (SiteException ex)
        {
            // Closing the debugger's connection is how it learns; the line says why, in the terms probe would use.
            report.Refused(id, ex.Diagnosis);
            return;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopped before the session began: nothing was opened at the site, so there is nothing to close.
            return;
        }

        using (webSocket)
        {
            report.Opened(id, _debuggerEndPoint);
            var counters = new SessionCounters();
            var ending = await RelayAsync(webSocket, toSite, firstCount, counters, stopping);
            report.Closed(id, ending, counters, Stopwatch.GetElapsedTime(started));
        }
    }

    private async Task<int> ReceiveFirstBytesAsync(byte[] buffer, CancellationToken stopping)
    {
        try
        {
            return await debugger.ReceiveAsync(buffer, SocketFlags.None, stopping);
        }
        catch (SocketException)
        {
            // Reset before sending anything: as empty as a clean close, and just as unfit to reach debugpy.
            return 0;
        }
    }

    private async Task<SessionEnding> RelayAsync(WebSocket webSocket, byte[] toSite, int firstCount, SessionCounters counters, CancellationToken stopping)
    {
        // Stopping (Ctrl+C) ends only the reading from the debugger; the session then closes as if the debugger had
        // left, so the proxy hears a proper close. Aborting tears down whatever still runs.
        using var abort = new CancellationTokenSource();
        using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(stopping, abort.Token);
        var upstream = EndingOfAsync(PumpToSiteAsync(webSocket, toSite, firstCount, counters, stopReading.Token, abort.Token), stopReading.Token, abort.Token);
        var downstream = EndingOfAsync(PumpToDebuggerAsync(webSocket, counters, abort.Token), CancellationToken.None, abort.Token);

        var first = await Task.WhenAny(upstream, downstream);
        var ending = await first;
        if (first == downstream && ending.Kind is SessionEndingKind.DebuggerSide or SessionEndingKind.SiteClosed)
        {
            // A WebSocket allows one send at a time, and a close is a send: the upstream pump must be done first.
            await stopReading.CancelAsync();
            await WaitAsync(upstream);
        }

        if (ending.Kind == SessionEndingKind.DebuggerSide)
        {
            await CloseSiteAsync(webSocket, ending.CloseReason);

            // The proxy passes on what the debug server still sends after our close, then answers it.
            await WaitAsync(downstream);
        }
        else if (ending.Kind == SessionEndingKind.SiteClosed)
        {
            // The debugger has had its end of stream; answering the site's close completes the handshake.
            await CloseSiteAsync(webSocket, "session closed by the site");
        }

        // Cancelled pumps end at once; closing the debugger's socket (the bridge disposes it again later) ends the
        // session for the debugger even if a pump was cut off by its drain limit.
        await abort.CancelAsync();
        debugger.Close();
        await WaitAsync(Task.WhenAll(upstream, downstream));
        return ending;
    }

    private async Task<SessionEnding> PumpToSiteAsync(
        WebSocket webSocket, byte[] buffer, int count, SessionCounters counters, CancellationToken reading, CancellationToken abort)
    {
        while (count > 0)
        {
            // Not reading again until the send completes is the backpressure: a slow site slows the debugger.
            await webSocket.SendAsync(buffer.AsMemory(0, count), WebSocketMessageType.Binary, endOfMessage: true, abort);
            counters.AddToSite(count);
            count = await debugger.ReceiveAsync(buffer, SocketFlags.None, reading);
        }

        return SessionEnding.DebuggerClosed;
    }

    private async Task<SessionEnding> PumpToDebuggerAsync(WebSocket webSocket, SessionCounters counters, CancellationToken abort)
    {
        var buffer = new byte[BufferSize];
        while (true)
        {
            var result = await webSocket.ReceiveAsync(buffer.AsMemory(), abort);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                ShutdownDebuggerSend();
                return SessionEnding.SiteClosed(webSocket.CloseStatusDescription);
            }

            for (var sent = 0; sent < result.Count;)
            {
                sent += await debugger.SendAsync(buffer.AsMemory(sent, result.Count - sent), SocketFlags.None, abort);
            }

            counters.AddToDebugger(result.Count);
        }
    }

    /// <summary>
    /// How a pump ended, whichever way it did: a pump that stops by failure or cancellation is how sessions end, so
    /// its exception becomes a <see cref="SessionEnding"/> instead of escaping.
    /// </summary>
    private static async Task<SessionEnding> EndingOfAsync(Task<SessionEnding> pump, CancellationToken reading, CancellationToken abort)
    {
        try
        {
            return await pump;
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            return SessionEnding.Aborted;
        }
        catch (OperationCanceledException) when (reading.IsCancellationRequested)
        {
            return SessionEnding.Stopped;
        }
        catch (SocketException ex)
        {
            // Only the debugger's connection is a bare socket; the WebSocket reports its own failures as below.
            return SessionEnding.DebuggerLost(ex.SocketErrorCode.ToString());
        }
        catch (Exception ex) when (ex is WebSocketException or IOException)
        {
            return SessionEnding.SiteLost(ex.Message);
        }
    }

    /// <summary>Passes the site's close on as end of stream, so the debugger sees the session end after the last byte.</summary>
    private void ShutdownDebuggerSend()
    {
        try
        {
            debugger.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // The debugger is gone already; the session ends the same way.
            return;
        }
    }

    private static async Task CloseSiteAsync(WebSocket webSocket, string reason)
    {
        if (webSocket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        using var timeout = new CancellationTokenSource(DrainTimeout);
        try
        {
            await webSocket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, reason, timeout.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException)
        {
            // The site is already gone; there is nobody left to tell.
            return;
        }
    }

    /// <summary>Waits for a pump up to <see cref="DrainTimeout"/>; through <see cref="EndingOfAsync"/>, pumps never throw.</summary>
    private static async Task WaitAsync(Task pump)
    {
        try
        {
            await pump.WaitAsync(DrainTimeout);
        }
        catch (TimeoutException)
        {
            // A side that does not finish in time is cut off by the caller's abort; that is how this session ends.
            return;
        }
    }
}
