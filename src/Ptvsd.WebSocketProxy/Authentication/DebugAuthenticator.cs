using System.Globalization;
using Ptvsd.Contract;
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
        if (options.Secret is null)
        {
            problem = $"the debug relay is closed: {options.RelayClosedReason}";
            return AuthenticationResult.RelayClosed;
        }

        // No credentials is not a guess: the public status page is served whatever the throttle says.
        var credentials = Credentials.FromAuthorizationHeader(context.Request.Headers.Authorization);
        if (credentials.Kind == CredentialsKind.Missing)
        {
            problem = "credentials required: connect to wss://<secret>@<host>/ptvsd";
            return AuthenticationResult.Missing;
        }

        // The right secret always gets in, throttled address or not (constant-time comparison of digests).
        if (credentials.Kind == CredentialsKind.Present && options.Secret.Matches(credentials.Secret))
        {
            return AuthenticationResult.Authenticated;
        }

        var client = context.Connection.RemoteIpAddress;
        var verdict = throttle.RecordFailure(client);
        if (verdict.Throttled)
        {
            context.Response.Headers.RetryAfter = Math.Max(1, Math.Ceiling(verdict.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            problem = "too many failed attempts; wait and retry with the current secret (the right secret is always accepted)";
            if (verdict.JustStarted)
            {
                Log.Throttled(logger, client?.ToString(), verdict.RetryAfter.TotalSeconds);
            }

            return AuthenticationResult.Throttled;
        }

        if (credentials.Kind == CredentialsKind.Malformed)
        {
            problem = credentials.Problem;
            Log.AuthenticationFailed(logger, client?.ToString(), "malformed");
            return AuthenticationResult.Malformed;
        }

        problem = "the secret was not accepted; it changes on every Debug publish, so copy the attach URI from the latest publish";
        Log.AuthenticationFailed(logger, client?.ToString(), "wrong secret");
        return AuthenticationResult.Rejected;
    }

    /// <summary>Writes the response for a request that did not authenticate.</summary>
    public static Task WriteFailureAsync(HttpContext context, AuthenticationResult result, string? problem)
    {
        var statusCode = result switch
        {
            AuthenticationResult.Malformed => StatusCodes.Status400BadRequest,
            AuthenticationResult.Throttled => StatusCodes.Status429TooManyRequests,
            AuthenticationResult.RelayClosed => StatusCodes.Status503ServiceUnavailable,
            _ => StatusCodes.Status401Unauthorized,
        };

        if (statusCode == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = new(["Basic realm=\"ptvsd\", charset=\"UTF-8\"", "Bearer realm=\"ptvsd\""]);
        }

        if (result == AuthenticationResult.RelayClosed)
        {
            context.Response.Headers[ProxyContract.RefusalHeader] = ProxyContract.RelayClosed;
        }

        return ProxyAnswer.WriteAsync(context, statusCode, problem ?? "");
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Debug authentication failed from {ClientAddress}: {Reason}", EventName = "AuthenticationFailed")]
        public static partial void AuthenticationFailed(ILogger logger, string? clientAddress, string reason);

        [LoggerMessage(2, LogLevel.Warning, "Debug authentication failures throttled (last from {ClientAddress}) for {RetryAfterSeconds:0} s; further failures are not logged until then", EventName = "AuthenticationThrottled")]
        public static partial void Throttled(ILogger logger, string? clientAddress, double retryAfterSeconds);
    }
}
