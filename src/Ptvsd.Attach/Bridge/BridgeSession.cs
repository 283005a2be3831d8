using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using Ptvsd.Attach.Site;
using Ptvsd.Relay;

namespace Ptvsd.Attach.Bridge;

/// <summary>
/// Relays one local debugger connection to one WebSocket session at the site through the shared
/// <see cref="SocketWebSocketRelay"/>. The WebSocket is opened only once the debugger has sent its first bytes: a
/// connection that opens and closes empty must never reach debugpy, whose adapter it breaks for every later client.
/// </summary>
internal sealed class BridgeSession(int id, Socket debugger, SiteClient site, BridgeReport report)
{
    // Stopping (Ctrl+C) ends the session as if the debugger had left, so the proxy hears a proper close.
    private static readonly SocketWebSocketRelay Relay = new(new RelayOptions { CloseFor = CloseFor });

    private readonly EndPoint? _debuggerEndPoint = debugger.RemoteEndPoint;

    public async Task RunAsync(CancellationToken stopping)
    {
        var started = Stopwatch.GetTimestamp();
        var toSite = new byte[SocketWebSocketRelay.BufferSize];
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
            var outcome = await Relay.RunAsync(debugger, webSocket, RelayStart.FromSocket(toSite.AsMemory(0, firstCount)), stopping);
            report.Closed(id, Describe(outcome), outcome.BytesToWebSocket, outcome.BytesToSocket, Stopwatch.GetElapsedTime(started));
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

    /// <summary>How the session ended, in the terms of the session line.</summary>
    private static string Describe(RelayOutcome outcome) => outcome.Ending switch
    {
        RelayEnding.SocketClosed => "the debugger disconnected",
        RelayEnding.SocketLost => $"the debugger's connection was lost ({outcome.Problem})",
        RelayEnding.Stopped => "ptvsd attach stopped",
        RelayEnding.WebSocketClosed when string.IsNullOrEmpty(outcome.WebSocketCloseDescription) => "the site closed the session",
        RelayEnding.WebSocketClosed => $"the site closed the session: {outcome.WebSocketCloseDescription}",
        _ => $"the connection to the site was lost ({outcome.Problem})",
    };

    /// <summary>The reason the proxy logs: why the debugger's side ended, or that the site's close is answered.</summary>
    private static RelayClose CloseFor(RelayOutcome outcome)
    {
        var reason = outcome.SocketEndedFirst ? Describe(outcome) : "session closed by the site";
        return new RelayClose(WebSocketCloseStatus.NormalClosure, reason.Length <= 120 ? reason : reason[..120]);
    }
}
