using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using Ptvsd.Contract;

namespace Ptvsd.Attach.Site;

/// <summary>
/// A failure as the user needs it: what happened, its likely cause and the fix. <c>ptvsd probe</c> prints these per
/// step and <c>ptvsd attach</c> per failed session, so both tell one failure in the same words.
/// </summary>
internal sealed record Diagnosis(string Problem, string Cause, string Fix)
{
    private const string RepublishFix = "copy the attach URI from the latest `dotnet publish -c Debug` (or use --project PATH), or republish";

    public override string ToString() => $"{Problem}. Likely cause: {Cause}. Fix: {Fix}.";

    /// <summary>The site could not be reached at all: no name, no connection, no TLS, or no answer in time.</summary>
    public static Diagnosis Unreachable(Exception exception, string host, string authority, TimeSpan timeout)
    {
        if (Find<AuthenticationException>(exception) is { } tls)
        {
            return new($"the TLS handshake with {authority} failed: {tls.Message}",
                "this machine does not trust the site's certificate (self-signed, expired, or issued for another name)",
                "use the site's own host name; for a test site you trust, add --insecure");
        }

        var socketError = Find<SocketException>(exception)?.SocketErrorCode;
        if (socketError is SocketError.HostNotFound or SocketError.NoData || exception is HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError })
        {
            return new($"the host name {host} does not resolve",
                "a typo in the host, a site that was deleted or renamed, or a DNS that cannot see it",
                "check the host in the attach URI (copy it again from the publish output)");
        }

        if (socketError == SocketError.ConnectionRefused)
        {
            return new($"{authority} refused the connection",
                "the site is stopped, or nothing listens at that host and port",
                "start the site (Azure portal: Overview > Start, or `az webapp start`) and check the host and port in the URI");
        }

        if (exception is OperationCanceledException or TimeoutException)
        {
            return new($"{authority} did not answer within {timeout.TotalSeconds:0} s",
                "the site is stopped or still starting, or a firewall drops the connection",
                "start the site, wait for it to come up and retry");
        }

        return new($"cannot reach {authority}: {Innermost(exception).Message}",
            "the site is stopped, or a network or proxy problem between here and the site",
            "start the site and check that this machine can open the site in a browser");
    }

    /// <summary>Nothing of ours answers at /ptvsd.</summary>
    public static Diagnosis NotDeployed(string answer) =>
        new($"{answer} instead of the debug proxy at /ptvsd",
            "the site is not published in Debug, or its web.config was changed so the debug proxy no longer starts",
            "publish with `dotnet publish -c Debug` (Ptvsd.Azure.Sdk) and keep the generated web.debug.config");

    /// <summary>A WebSocket upgrade at /ptvsd did not reach the proxy's WebSocket endpoint.</summary>
    public static Diagnosis UpgradeRefused(HttpStatusCode status) =>
        new(status == HttpStatusCode.OK
                ? "the WebSocket upgrade arrived at /ptvsd as a plain request (HTTP 200)"
                : $"the WebSocket upgrade at /ptvsd was refused with HTTP {(int)status}",
            "web sockets are disabled on the site, or a front end in between does not pass WebSocket upgrades",
            "turn web sockets on (Azure portal: Configuration > General settings > Web sockets: On, or `az webapp config set --web-sockets-enabled true`)");

    public static Diagnosis SecretRejected() =>
        new("the proxy did not accept the secret (HTTP 401)",
            "a stale secret: every Debug publish makes a new one, and this URI is from an earlier publish",
            RepublishFix);

    public static Diagnosis SecretMalformed() =>
        new("the proxy refused the credentials as malformed (HTTP 400)",
            "the secret in the URI is damaged (cut short, or with characters added in copying)",
            RepublishFix);

    public static Diagnosis Throttled(TimeSpan? retryAfter) =>
        new("the proxy is refusing this address for a while (HTTP 429)",
            "too many attempts with a wrong secret from this address",
            $"wait {(retryAfter is { } wait ? Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture) + " s" : "a minute")}, then retry with the current attach URI");

    public static Diagnosis RelayClosed(string? reason) =>
        new($"the debug proxy's relay is closed{(string.IsNullOrEmpty(reason) ? "" : ": " + reason)}",
            "the site has no usable WSGI_PTVSD_SECRET",
            "republish with `dotnet publish -c Debug`, which writes a fresh secret into web.config");

    public static Diagnosis SessionsFull() =>
        new("every debug session the proxy allows is in use (HTTP 503)",
            "each gunicorn worker and its master is a session of its own, and so is each attached debugger",
            $"detach a debugger, or raise the cap with the site's {SiteSettings.MaxDebugSessions} app setting (or the project's PtvsdMaxDebugSessions, then publish again)");

    /// <summary>A WebSocket upgrade carrying the secret was answered with <paramref name="status"/> instead of 101.</summary>
    /// <param name="refusal">The proxy's <see cref="ProxyContract.RefusalHeader"/>, which tells its 503s apart.</param>
    public static Diagnosis SessionRefused(HttpStatusCode status, TimeSpan? retryAfter, string? refusal = null) => status switch
    {
        HttpStatusCode.Unauthorized => SecretRejected(),
        HttpStatusCode.BadRequest => SecretMalformed(),
        HttpStatusCode.TooManyRequests => Throttled(retryAfter),
        HttpStatusCode.NotFound => NotDeployed("HTTP 404"),
        HttpStatusCode.ServiceUnavailable when refusal == ProxyContract.SessionsFull => SessionsFull(),
        HttpStatusCode.ServiceUnavailable when refusal == ProxyContract.RelayClosed => RelayClosed(null),
        HttpStatusCode.ServiceUnavailable => new("the debug proxy is not taking sessions (HTTP 503)",
            "its relay is closed (no secret on the site), or all its sessions are in use",
            "close other debug sessions; run `ptvsd probe` to see which"),
        HttpStatusCode.OK => UpgradeRefused(status),
        _ => new($"the site refused the debug WebSocket with HTTP {(int)status}",
            "something other than the debug proxy answers at /ptvsd",
            "run `ptvsd probe` with the same URI to find out what"),
    };

    private static T? Find<T>(Exception exception)
        where T : Exception
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is T match)
            {
                return match;
            }
        }

        return null;
    }

    private static Exception Innermost(Exception exception)
    {
        while (exception.InnerException is { } inner)
        {
            exception = inner;
        }

        return exception;
    }
}
