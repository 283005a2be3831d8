using System.Net.Mime;
using Microsoft.AspNetCore.WebSockets;
using Microsoft.Net.Http.Headers;
using Ptvsd.Contract;
using Ptvsd.WebSocketProxy.Authentication;
using Ptvsd.WebSocketProxy.Configuration;
using Ptvsd.WebSocketProxy.Relay;
using Ptvsd.WebSocketProxy.Status;

namespace Ptvsd.WebSocketProxy;

/// <summary><c>/ptvsd</c>: the status page for a plain GET, the authenticated debugger relay for a WebSocket upgrade.</summary>
public sealed partial class DebugEndpoint(
    ProxyOptions options,
    DebugAuthenticator authenticator,
    SessionLimiter sessions,
    DebugSessionRelay relay,
    ProxyStatus status,
    IHostApplicationLifetime lifetime,
    ILogger<DebugEndpoint> logger)
{
    public const string Path = ProxyContract.DebugPath;

    public Task HandleAsync(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.CacheControl = "no-store";
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";

        if (context.WebSockets.IsWebSocketRequest)
        {
            return HandleWebSocketAsync(context);
        }

        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            headers.Allow = "GET, HEAD";
            return Task.CompletedTask;
        }

        return HandleStatusAsync(context);
    }

    private async Task HandleStatusAsync(HttpContext context)
    {
        var result = authenticator.Authenticate(context, out var problem);
        var report = result switch
        {
            AuthenticationResult.Authenticated => status.Authenticated(),
            AuthenticationResult.Missing or AuthenticationResult.RelayClosed => status.Public(),
            _ => null,
        };

        if (report is null)
        {
            await DebugAuthenticator.WriteFailureAsync(context, result, problem);
            return;
        }

        if (WantsJson(context.Request))
        {
            context.Response.ContentType = MediaTypeNames.Application.Json;
            await context.Response.WriteAsync(report.ToJsonString(StatusPage.JsonOptions), context.RequestAborted);
            return;
        }

        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'";
        await context.Response.WriteAsync(StatusPage.Render(report, context.Request.Host.Value ?? "<host>"), context.RequestAborted);
    }

    private async Task HandleWebSocketAsync(HttpContext context)
    {
        var result = authenticator.Authenticate(context, out var problem);
        if (result != AuthenticationResult.Authenticated)
        {
            await DebugAuthenticator.WriteFailureAsync(context, result, problem);
            return;
        }

        if (!sessions.TryEnter())
        {
            Log.SessionRefused(logger, context.Connection.RemoteIpAddress?.ToString(), sessions.Maximum);
            context.Response.Headers[ProxyContract.RefusalHeader] = ProxyContract.SessionsFull;
            await ProxyAnswer.WriteAsync(context, StatusCodes.Status503ServiceUnavailable,
                $"too many debug sessions: all {sessions.Maximum} the proxy allows are in use (each gunicorn worker and its master, and each attached client, is one). " +
                $"Raise the cap with the {SiteSettings.MaxDebugSessions} app setting or the project's PtvsdMaxDebugSessions property and republish, or detach a debugger.");
            return;
        }

        try
        {
            using var webSocket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
            {
                KeepAliveInterval = options.KeepAliveInterval,
                KeepAliveTimeout = options.KeepAliveTimeout,
                DangerousEnableCompression = false,
            });

            var sessionId = context.TraceIdentifier;
            Log.SessionAccepted(logger, sessionId, context.Connection.RemoteIpAddress?.ToString());
            // A client that goes away fails the WebSocket itself; only the proxy's own stop is a reason to end from here.
            await relay.RunAsync(webSocket, sessionId, lifetime.ApplicationStopping);
        }
        finally
        {
            sessions.Exit();
        }
    }

    private static bool WantsJson(HttpRequest request) =>
        string.Equals(request.Query["format"], "json", StringComparison.OrdinalIgnoreCase)
        || request.GetTypedHeaders().Accept.Any(accept => accept.MediaType.Equals(MediaTypeNames.Application.Json, StringComparison.OrdinalIgnoreCase));

    private static partial class Log
    {
        [LoggerMessage(40, LogLevel.Information, "Debug client {ClientAddress} authenticated; session {SessionId} opened", EventName = "SessionAccepted")]
        public static partial void SessionAccepted(ILogger logger, string sessionId, string? clientAddress);

        [LoggerMessage(41, LogLevel.Warning, "Debug session from {ClientAddress} refused: all {MaxSessions} sessions are in use", EventName = "SessionRefused")]
        public static partial void SessionRefused(ILogger logger, string? clientAddress, int maxSessions);
    }
}
