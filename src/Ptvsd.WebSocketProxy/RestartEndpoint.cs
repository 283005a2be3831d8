using System.Net.Mime;
using System.Text.Json.Nodes;
using Ptvsd.Contract;
using Ptvsd.WebSocketProxy.App;
using Ptvsd.WebSocketProxy.Authentication;

namespace Ptvsd.WebSocketProxy;

/// <summary>
/// <c>POST /ptvsd/restart</c>: ends the app with everything its start left running (debugpy's adapter among them) and
/// starts it again at once, which recovers a wedged debugger without a redeploy.
/// </summary>
public sealed partial class RestartEndpoint(DebugAuthenticator authenticator, AppSupervisor app, ILogger<RestartEndpoint> logger)
{
    public const string Path = ProxyContract.RestartPath;

    public async Task HandleAsync(HttpContext context)
    {
        context.Response.Headers.CacheControl = "no-store";
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            context.Response.Headers.Allow = "POST";
            await ProxyAnswer.WriteAsync(context, StatusCodes.Status405MethodNotAllowed, "Restart the app with POST.");
            return;
        }

        // A browser replays Basic credentials it has seen on its own, so a page elsewhere could post a form here; it
        // never sends a Bearer token by itself.
        if (!Credentials.IsBearer(context.Request.Headers.Authorization))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"ptvsd\"";
            await ProxyAnswer.WriteAsync(context, StatusCodes.Status401Unauthorized,
                "restart takes the secret as a Bearer token (Authorization: Bearer SECRET); `ptvsd restart URI` sends it so");
            return;
        }

        var result = authenticator.Authenticate(context, out var problem);
        if (result != AuthenticationResult.Authenticated)
        {
            await DebugAuthenticator.WriteFailureAsync(context, result, problem);
            return;
        }

        var previous = app.Status.ProcessId;
        if (!app.RequestRestart())
        {
            await ProxyAnswer.WriteAsync(context, StatusCodes.Status409Conflict,
                "this proxy starts no app (it forwards to --app-url, or serves /ptvsd only): restart the app where it runs");
            return;
        }

        Log.RestartRequested(logger, context.Connection.RemoteIpAddress?.ToString(), previous);
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        context.Response.ContentType = MediaTypeNames.Application.Json;
        await context.Response.WriteAsync(new JsonObject { ["restarting"] = true, ["previousPid"] = previous }.ToJsonString(), context.RequestAborted);
    }

    private static partial class Log
    {
        [LoggerMessage(50, LogLevel.Warning, "Restart of the app (pid {ProcessId}) requested by {ClientAddress}", EventName = "AppRestartRequested")]
        public static partial void RestartRequested(ILogger logger, string? clientAddress, int? processId);
    }
}
