using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Http.Features;

namespace Ptvsd.WebSocketProxy.App;

/// <summary>
/// Forwards every request that is not for /ptvsd to the Python app: bodies streamed both ways without
/// buffering, and the app's own WebSockets passed through message by message.
/// </summary>
public sealed partial class AppForwarder(AppSupervisor app, ILogger<AppForwarder> logger) : IDisposable
{
    private const int WebSocketBufferSize = 16 * 1024;
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(5);

    // No timeout, no redirects, no cookies, no decompression: the proxy is transparent, and a request held by
    // a breakpoint may take as long as the developer needs.
    private readonly HttpMessageInvoker _client = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        ActivityHeadersPropagator = null,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
    });

    public async Task ForwardAsync(HttpContext context)
    {
        var status = app.Status;
        if (status.State == AppState.None)
        {
            await WriteProblemAsync(context, StatusCodes.Status404NotFound,
                "This proxy serves only /ptvsd: no app was given. Start it with '-- <app command>' or --app-url URL to forward other requests.");
            return;
        }

        if (!status.CanForward || status.Url is null)
        {
            await WriteProblemAsync(context, StatusCodes.Status502BadGateway, $"The app is not available right now ({Describe(status)}). Retry in a moment.");
            return;
        }

        var target = new Uri(status.Url, context.Features.Get<IHttpRequestFeature>()!.RawTarget);
        if (context.WebSockets.IsWebSocketRequest)
        {
            await ForwardWebSocketAsync(context, target);
            return;
        }

        using var request = CreateRequest(context, target);
        HttpResponseMessage response;
        try
        {
            response = await _client.SendAsync(request, context.RequestAborted);
        }
        catch (HttpRequestException ex)
        {
            Log.ForwardFailed(logger, context.Request.Method, context.Request.Path, ex.Message);
            await WriteProblemAsync(context, StatusCodes.Status502BadGateway, $"The app did not answer ({ex.HttpRequestError}). Retry in a moment.");
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        using (response)
        {
            await CopyResponseAsync(context, response);
        }
    }

    private static HttpRequestMessage CreateRequest(HttpContext context, Uri target)
    {
        var source = context.Request;
        var request = new HttpRequestMessage(new HttpMethod(source.Method), target)
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };

        if (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true)
        {
            request.Content = new StreamContent(source.Body);
        }

        foreach (var (name, values) in ForwardedHeaders.Forwardable(source.Headers))
        {
            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        foreach (var (name, values) in ForwardedHeaders.For(context))
        {
            request.Headers.Remove(name);
            request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
        }

        return request;
    }

    private static async Task CopyResponseAsync(HttpContext context, HttpResponseMessage response)
    {
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (ForwardedHeaders.IsForwardableResponse(name, response.Headers))
            {
                context.Response.Headers.Append(name, values.ToArray());
            }
        }

        // Streamed, flushed per read: server-sent events and long downloads reach the client as the app writes them.
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await using var body = await response.Content.ReadAsStreamAsync(context.RequestAborted);
        try
        {
            await body.CopyToAsync(context.Response.Body, context.RequestAborted);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or HttpRequestException)
        {
            // Headers are gone already; cutting the connection is the only honest way to say the body is incomplete.
            context.Abort();
        }
    }

    private async Task ForwardWebSocketAsync(HttpContext context, Uri target)
    {
        using var upstream = new ClientWebSocket();
        upstream.Options.KeepAliveInterval = TimeSpan.Zero;
        foreach (var protocol in context.WebSockets.WebSocketRequestedProtocols)
        {
            upstream.Options.AddSubProtocol(protocol);
        }

        foreach (var (name, values) in ForwardedHeaders.ForwardableToWebSocket(context.Request.Headers))
        {
            upstream.Options.SetRequestHeader(name, values.ToString());
        }

        foreach (var (name, values) in ForwardedHeaders.For(context))
        {
            upstream.Options.SetRequestHeader(name, values.ToString());
        }

        var webSocketTarget = new UriBuilder(target) { Scheme = target.Scheme == Uri.UriSchemeHttps ? "wss" : "ws" }.Uri;
        try
        {
            await upstream.ConnectAsync(webSocketTarget, context.RequestAborted);
        }
        catch (WebSocketException ex)
        {
            Log.ForwardFailed(logger, "WebSocket", context.Request.Path, ex.Message);
            await WriteProblemAsync(context, StatusCodes.Status502BadGateway, "The app refused the WebSocket upgrade.");
            return;
        }

        using var downstream = await context.WebSockets.AcceptWebSocketAsync(upstream.SubProtocol);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var toApp = PumpMessagesAsync(downstream, upstream, cancel.Token);
        var toClient = PumpMessagesAsync(upstream, downstream, cancel.Token);
        var first = await Task.WhenAny(toApp, toClient);
        try
        {
            // A close passed on by one pump is answered through the other: let it finish the handshake.
            if (first.IsCompletedSuccessfully)
            {
                await Task.WhenAll(toApp, toClient).WaitAsync(CloseHandshakeTimeout, context.RequestAborted);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or TimeoutException)
        {
            // One side went away without finishing the close handshake; the cancellation below ends the other.
        }

        await cancel.CancelAsync();
        try
        {
            await Task.WhenAll(toApp, toClient);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            // Already accounted for above: a pump ended by the cancellation or by its side going away.
        }
    }

    /// <summary>Copies messages, keeping their type and boundaries, and passes the close handshake on.</summary>
    private static async Task PumpMessagesAsync(WebSocket from, WebSocket to, CancellationToken cancellationToken)
    {
        var buffer = new byte[WebSocketBufferSize];
        while (true)
        {
            var result = await from.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                if (to.State is WebSocketState.Open or WebSocketState.CloseReceived)
                {
                    await to.CloseOutputAsync(from.CloseStatus ?? WebSocketCloseStatus.NormalClosure, from.CloseStatusDescription, cancellationToken);
                }

                return;
            }

            await to.SendAsync(buffer.AsMemory(0, result.Count), result.MessageType, result.EndOfMessage, cancellationToken);
        }
    }

    private static string Describe(AppStatus status) => status.State switch
    {
        AppState.Starting => "it is starting",
        AppState.Restarting => $"it {status.LastExit ?? "exited"} and is being restarted",
        AppState.Stopped => "the proxy is stopping",
        _ => status.State.ToString().ToLowerInvariant(),
    };

    private static Task WriteProblemAsync(HttpContext context, int statusCode, string message)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsync(message + "\n", context.RequestAborted);
    }

    public void Dispose() => _client.Dispose();

    private static partial class Log
    {
        [LoggerMessage(30, LogLevel.Warning, "Forwarding {Method} {Path} to the app failed: {Problem}", EventName = "ForwardFailed")]
        public static partial void ForwardFailed(ILogger logger, string method, PathString path, string problem);
    }
}
