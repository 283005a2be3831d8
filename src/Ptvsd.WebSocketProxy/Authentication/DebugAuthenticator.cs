using System.Globalization;
using Ptvsd.WebSocketProxy.Configuration;

namespace Ptvsd.WebSocketProxy.Authentication;

public enum AuthenticationResult
{
    Authenticated,
    Missing,
    Malformed,
    Rejected,
    Throttled,
    RelayClosed,
}

/// <summary>Decides whether a request to <c>/ptvsd</c> carries the secret, and answers the ones that do not.</summary>
public sealed partial class DebugAuthenticator(ProxyOptions options, AuthFailureThrottle throttle, ILogger<DebugAuthenticator> logger)
{
    public AuthenticationResult Authenticate(HttpContext context, out string? problem)
    {
        problem = null;
        var client = context.Connection.RemoteIpAddress;

        // Checked before the credentials are even read: a throttled guesser learns nothing more.
        if (throttle.IsThrottled(client, out var retryAfter))
        {
            context.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            problem = "too many failed attempts from this address; wait and retry with the current secret";
            Log.Throttled(logger, client?.ToString());
            return AuthenticationResult.Throttled;
        }

        if (options.Secret is null)
        {
            problem = $"the debug relay is closed: {options.RelayClosedReason}";
            return AuthenticationResult.RelayClosed;
        }

        var credentials = Credentials.FromAuthorizationHeader(context.Request.Headers.Authorization);
        if (credentials.Kind == CredentialsKind.Missing)
        {
            problem = "credentials required: connect to wss://<secret>@<host>/ptvsd";
            return AuthenticationResult.Missing;
        }

        if (credentials.Kind == CredentialsKind.Malformed)
        {
            throttle.RecordFailure(client);
            problem = credentials.Problem;
            Log.AuthenticationFailed(logger, client?.ToString(), "malformed");
            return AuthenticationResult.Malformed;
        }

        if (!options.Secret.Matches(credentials.Secret))
        {
            throttle.RecordFailure(client);
            problem = "the secret was not accepted; it changes on every Debug publish, so copy the attach URI from the latest publish";
            Log.AuthenticationFailed(logger, client?.ToString(), "wrong secret");
            return AuthenticationResult.Rejected;
        }

        return AuthenticationResult.Authenticated;
    }

    /// <summary>Writes the response for a request that did not authenticate.</summary>
    public static Task WriteFailureAsync(HttpContext context, AuthenticationResult result, string? problem)
    {
        context.Response.StatusCode = result switch
        {
            AuthenticationResult.Malformed => StatusCodes.Status400BadRequest,
            AuthenticationResult.Throttled => StatusCodes.Status429TooManyRequests,
            AuthenticationResult.RelayClosed => StatusCodes.Status503ServiceUnavailable,
            _ => StatusCodes.Status401Unauthorized,
        };

        if (context.Response.StatusCode == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = new(["Basic realm=\"ptvsd\", charset=\"UTF-8\"", "Bearer realm=\"ptvsd\""]);
        }

        context.Response.Headers.CacheControl = "no-store";
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(problem + "\n", context.RequestAborted);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Debug authentication failed from {ClientAddress}: {Reason}", EventName = "AuthenticationFailed")]
        public static partial void AuthenticationFailed(ILogger logger, string? clientAddress, string reason);

        [LoggerMessage(2, LogLevel.Warning, "Debug authentication throttled for {ClientAddress}", EventName = "AuthenticationThrottled")]
        public static partial void Throttled(ILogger logger, string? clientAddress);
    }
}
