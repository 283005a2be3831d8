using System.Net.WebSockets;
using System.Text;

namespace Ptvsd.Testing;

/// <summary>What one breakpoint round trip through a site's proxy observed.</summary>
/// <param name="HeldAtBreakpoint">The HTTP request had not completed when the debugger stopped.</param>
/// <param name="Greeting">The local <c>greeting</c>, evaluated in the stopped frame (Python repr).</param>
/// <param name="Response">The HTTP response body once the debugger continued.</param>
public sealed record BreakpointRoundTripResult(bool HeldAtBreakpoint, string Greeting, string Response);

/// <summary>
/// A whole debugger visit to FlaskHello through a site's debug proxy: attach over the authenticated WebSocket,
/// break at the <c># breakpoint-here</c> line, send a request that stops there, evaluate, continue, detach.
/// </summary>
public static class BreakpointRoundTrip
{
    /// <param name="site">The site's base address (the proxy's), e.g. http://127.0.0.1:8080/.</param>
    /// <param name="secret">The site's debug secret, sent as HTTP Basic.</param>
    /// <param name="appPath">The app.py that runs there, for the breakpoint.</param>
    /// <param name="name">The <c>name</c> query parameter, so the greeting is recognisable.</param>
    /// <param name="log">Receives the DAP traffic, for a failing test's output.</param>
    /// <param name="cancellationToken">Ends the visit.</param>
    public static async Task<BreakpointRoundTripResult> RunAsync(
        Uri site, string secret, string appPath, string name, Action<string>? log, CancellationToken cancellationToken)
    {
        var webSocket = new ClientWebSocket();
        webSocket.Options.SetRequestHeader("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(secret + ":")));
        await webSocket.ConnectAsync(new UriBuilder(site) { Scheme = site.Scheme == "https" ? "wss" : "ws", Path = "/ptvsd" }.Uri, cancellationToken);
        await using var session = new DebugSession(new DapClient(webSocket, log));
        await session.AttachAsync([(appPath, SourceMarkers.LineOf(appPath))], cancellationToken);

        using var http = new HttpClient { BaseAddress = site };
        var request = http.GetStringAsync($"/?name={Uri.EscapeDataString(name)}", cancellationToken);
        var threadId = await session.WaitForStopAsync(cancellationToken);
        var held = !request.IsCompleted;
        var greeting = await session.EvaluateInTopFrameAsync(threadId, "greeting", cancellationToken);
        await session.ContinueAsync(threadId, cancellationToken);
        var response = await request;
        await session.DisconnectAsync(cancellationToken);
        return new BreakpointRoundTripResult(held, greeting, response);
    }
}
