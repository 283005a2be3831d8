using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ptvsd.Attach.Site;

namespace Ptvsd.Attach.Probe;

/// <summary>
/// Finds out why attaching fails, one check at a time, with plain HTTP requests only. It never opens a debug
/// session: debugpy 1.6's adapter is broken for good by a connection that opens and closes empty, so whether the
/// debug server listens is read from the proxy's authenticated status JSON, which asks the OS listener table.
/// </summary>
internal sealed class SiteProbe(SiteClient site)
{
    public async Task<ProbeReport> RunAsync(CancellationToken cancellationToken)
    {
        var report = new ProbeReport(site.Target);

        // 1. The site answers HTTP at all. The request is the one check 2 needs anyway: /ptvsd, without the secret,
        // which the proxy answers itself, so probing never runs the app's own code.
        SiteResponse anonymous;
        try
        {
            anonymous = await site.GetStatusAsync(withSecret: false, cancellationToken);
        }
        catch (SiteException ex)
        {
            return report.Fail(ProbeCheck.SiteAnswers, ex.Diagnosis);
        }

        if (IsStoppedSitePage(anonymous))
        {
            return report.Fail(ProbeCheck.SiteAnswers, new Diagnosis(
                "the front end answers HTTP 403: the web app is stopped",
                "the site is stopped",
                "start it (Azure portal: Overview > Start, or `az webapp start`)"));
        }

        report.Pass(ProbeCheck.SiteAnswers, $"HTTP {anonymous.Code} from GET /ptvsd");

        // 2. What answered is the debug proxy.
        if (ParseProxyStatus(anonymous) is not { } publicStatus)
        {
            return report.Fail(ProbeCheck.ProxyDeployed, DiagnoseNotProxy(anonymous));
        }

        report.Pass(ProbeCheck.ProxyDeployed, $"the debug proxy is up, its relay is {(string?)publicStatus["relay"] ?? "unknown"}");

        // 3. A WebSocket upgrade gets through to the proxy's WebSocket endpoint.
        SiteResponse upgrade;
        try
        {
            upgrade = await site.TryUpgradeWithoutSecretAsync(cancellationToken);
        }
        catch (SiteException ex)
        {
            return report.Fail(ProbeCheck.UpgradeReachesProxy, ex.Diagnosis);
        }

        if (DiagnoseUpgrade(upgrade) is { } upgradeProblem)
        {
            return report.Fail(ProbeCheck.UpgradeReachesProxy, upgradeProblem);
        }

        report.Pass(ProbeCheck.UpgradeReachesProxy, $"the proxy's WebSocket endpoint answered HTTP {upgrade.Code} to an upgrade without the secret, as it should");

        // 4. The secret opens the proxy.
        SiteResponse authenticated;
        try
        {
            authenticated = await site.GetStatusAsync(withSecret: true, cancellationToken);
        }
        catch (SiteException ex)
        {
            return report.Fail(ProbeCheck.SecretAccepted, ex.Diagnosis);
        }

        var status = ParseProxyStatus(authenticated);
        if (DiagnoseSecret(authenticated, status) is { } secretProblem)
        {
            return report.Fail(ProbeCheck.SecretAccepted, secretProblem);
        }

        report.Pass(ProbeCheck.SecretAccepted, "the proxy accepted the secret");

        // 5. debugpy listens behind the proxy, as the proxy sees it.
        var debugServer = status!["debugServer"] as JsonObject;
        var address = (string?)debugServer?["address"] ?? "the debug server address";
        if (debugServer?["reachable"]?.GetValueKind() == JsonValueKind.True)
        {
            // Listening is not answering: a wedged adapter accepts every connection and answers none.
            if ((string?)debugServer["unansweredSince"] is { Length: > 0 } since)
            {
                return report.Fail(ProbeCheck.DebugServerReachable, new Diagnosis(
                    $"debugpy listens at {address} but has not answered a debugger since {since}",
                    "its adapter is stuck (after a debugger that left mid-session, or an empty connection to its port)",
                    $"restart the app and its debugger: `ptvsd restart {site.Target.Display}` (with the real secret, or --project)"));
            }

            report.Pass(ProbeCheck.DebugServerReachable, DescribeDebugServer(status, address));
            return report;
        }

        return report.Fail(ProbeCheck.DebugServerReachable, DiagnoseDebugServer(status, address));
    }

    /// <summary>App Service answers every request to a stopped site with a 403 page saying so.</summary>
    private static bool IsStoppedSitePage(SiteResponse response) =>
        response.Status == HttpStatusCode.Forbidden && response.Body.Contains("stopped", StringComparison.OrdinalIgnoreCase);

    /// <summary>The proxy's status JSON (<c>{"proxy": "up", ...}</c>), or null when something else answered.</summary>
    private static JsonObject? ParseProxyStatus(SiteResponse response)
    {
        if (response.Status != HttpStatusCode.OK)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(response.Body) is JsonObject status && status["proxy"]?.GetValueKind() == JsonValueKind.String && (string?)status["proxy"] == "up"
                ? status
                : null;
        }
        catch (JsonException)
        {
            // An HTML page or anything else: not the proxy, which is what the caller reports.
            return null;
        }
    }

    private static Diagnosis DiagnoseNotProxy(SiteResponse response) => response.Code switch
    {
        404 => Diagnosis.NotDeployed("HTTP 404"),
        >= 300 and < 400 => new Diagnosis(
            $"/ptvsd redirects (HTTP {response.Code}) to {Describe(response.Location)}",
            "App Service Authentication or a redirect rule in front of the app intercepts /ptvsd",
            "let /ptvsd through without sign-in or redirect (e.g. exclude it in the authentication settings)"),
        401 or 403 => new Diagnosis(
            $"/ptvsd answers HTTP {response.Code} before the secret is even checked",
            "sign-in (App Service Authentication) or access restrictions in front of the site",
            "allow unauthenticated requests to /ptvsd from your address: the debug proxy checks the secret itself"),
        >= 500 => new Diagnosis(
            $"/ptvsd answers HTTP {response.Code}",
            "the site's front end cannot reach the debug proxy: it failed to start or keeps crashing",
            "look for 'ptvsd proxy:' lines in the site's log stream, then republish with `dotnet publish -c Debug`"),
        200 => Diagnosis.NotDeployed("a page of the app itself (HTTP 200)"),
        _ => Diagnosis.NotDeployed($"HTTP {response.Code}"),
    };

    /// <summary>
    /// Judges check 3 without opening a relay: the upgrade carries no credentials, so the proxy can only refuse it.
    /// Its WebSocket endpoint refuses with 401 and its challenge (or 503 when its relay is closed), while a plain
    /// GET of /ptvsd without credentials gets the public status (200). So 401 means the upgrade arrived intact; 200
    /// means a front end stripped it, and anything else means a front end refused it.
    /// </summary>
    private static Diagnosis? DiagnoseUpgrade(SiteResponse response)
    {
        if (response.Status == HttpStatusCode.Unauthorized && response.WwwAuthenticate?.Contains("realm=\"ptvsd\"", StringComparison.Ordinal) == true)
        {
            return null;
        }

        if (response.Status == HttpStatusCode.ServiceUnavailable && response.Body.StartsWith("the debug relay is closed", StringComparison.Ordinal))
        {
            // Reached the endpoint; the closed relay is what check 4 reports.
            return null;
        }

        return response.Status switch
        {
            HttpStatusCode.TooManyRequests => Diagnosis.Throttled(response.RetryAfter),
            HttpStatusCode.SwitchingProtocols => new Diagnosis(
                "something at /ptvsd accepted a WebSocket without the secret",
                "it is not the debug proxy, which never does: another relay or app answers /ptvsd",
                "publish with `dotnet publish -c Debug` so the debug proxy serves /ptvsd, and remove whatever else does"),
            _ => Diagnosis.UpgradeRefused(response.Status),
        };
    }

    private static Diagnosis? DiagnoseSecret(SiteResponse response, JsonObject? status)
    {
        if (status is not null)
        {
            if (status["authenticated"]?.GetValueKind() == JsonValueKind.True)
            {
                return null;
            }

            if ((string?)status["relay"] == "closed")
            {
                return Diagnosis.RelayClosed((string?)status["reason"]);
            }
        }

        return response.Status switch
        {
            HttpStatusCode.Unauthorized => Diagnosis.SecretRejected(),
            HttpStatusCode.BadRequest => Diagnosis.SecretMalformed(),
            HttpStatusCode.TooManyRequests => Diagnosis.Throttled(response.RetryAfter),
            _ => new Diagnosis(
                $"the proxy answered the secret with HTTP {response.Code}",
                "the proxy or the front end in front of it failed on this request",
                "retry; if it persists, look for 'ptvsd proxy:' lines in the site's log stream"),
        };
    }

    private static string DescribeDebugServer(JsonObject status, string address)
    {
        var debugpy = (string?)status["versions"]?["debugpy"];
        var detail = $"debugpy{(debugpy is null ? "" : " " + debugpy)} listens at {address} in the app";
        if (status["app"]?["pid"] is { } pid)
        {
            detail += $" (pid {pid})";
        }

        if (status["sessions"] is JsonObject sessions && (int?)sessions["active"] >= (int?)sessions["max"])
        {
            detail += $"; note: all {(int?)sessions["max"]} debug sessions are in use, so another one will be refused";
        }

        if ((string?)status["instance"] is { Length: > 0 } instance)
        {
            detail += $"; instance {instance} (pin it with --instance {instance})";
        }

        return detail;
    }

    private static Diagnosis DiagnoseDebugServer(JsonObject status, string address)
    {
        var problem = $"nothing listens at {address} behind the proxy";
        if (status["debugServer"]?["heldByAnotherProcess"]?.GetValueKind() == JsonValueKind.True)
        {
            return new Diagnosis($"{address} behind the proxy is held by a process that is not this app's debugger",
                "another program on the host, or a debugger left by an earlier run of the app, took the debug port first",
                "set WSGI_PTVSD_ADDRESS to a free port (e.g. 127.0.0.1:5679) in the site's app settings, or stop what holds the port, then restart the site");
        }

        if ((string?)status["debugServer"]?["bootstrapError"] is { Length: > 0 } bootstrapError)
        {
            return new Diagnosis(problem,
                $"the app's Python could not start debugpy: {bootstrapError}",
                "do what it says (usually: add debugpy to requirements.txt and republish), then restart the site");
        }

        var state = (string?)status["app"]?["state"];
        if (state is "starting" or "restarting" or "stopped")
        {
            var lastExit = (string?)status["app"]?["lastExit"];
            return new Diagnosis(problem,
                $"the app is {state}{(lastExit is null ? "" : $" (last exit: {lastExit})")}",
                "wait for the app to start; if it keeps restarting, the site's log stream shows why");
        }

        return new Diagnosis(problem,
            "debugpy is not installed in the site's Python, or the app has not started it (yet)",
            "add debugpy to requirements.txt and republish; the site's log shows a 'ptvsd-bootstrap:' line with the reason");
    }

    private static string Describe(Uri? location) =>
        location is null ? "somewhere unnamed" : location.IsAbsoluteUri ? location.GetLeftPart(UriPartial.Path) : location.OriginalString.Split('?')[0];
}
