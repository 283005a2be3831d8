using System.Xml;
using Microsoft.Build.Utilities;

namespace Ptvsd.Build.Tasks;

/// <summary>
/// Every warning and error the SDK's tasks report: a stable code, what is wrong, and a one-line fix.
/// The README's table of codes lists the same.
/// </summary>
internal static class Diagnostics
{
    public const string ProxyDisabledByUserTransform = "PTVSD1001";
    public const string TransformTrackedByGit = "PTVSD1002";
    public const string RequirementsLackDebugpy = "PTVSD1003";
    public const string WebSocketsDisabled = "PTVSD1004";
    public const string FastCgiSite = "PTVSD1005";
    public const string MalformedTransform = "PTVSD1101";
    public const string MalformedWebConfig = "PTVSD1102";
    public const string InvalidSiteUrl = "PTVSD1103";
    public const string UnknownLinuxApp = "PTVSD1107";
    public const string SiteUrlWithPathBase = "PTVSD1108";
    public const string InvalidMaxDebugSessions = "PTVSD1109";

    public static void ProxyDisabled(this TaskLoggingHelper log, string transformFile, string what) =>
        Warn(log, ProxyDisabledByUserTransform, transformFile,
            $"{transformFile} is yours (its generated-file marker comment was removed) and {what}, so this Debug publish carries no debug proxy. " +
            "Fix: delete the file to get a fresh generated one, or put the missing part back.");

    public static void TrackedByGit(this TaskLoggingHelper log, string transformFile) =>
        Warn(log, TransformTrackedByGit, transformFile,
            $"{transformFile} is tracked by git, so the debug secret it holds is in source control. " +
            "Fix: git rm --cached web.debug.config, then add web.debug.config to .gitignore.");

    public static void NoDebugpyRequirement(this TaskLoggingHelper log, string requirementsFile) =>
        Warn(log, RequirementsLackDebugpy, requirementsFile,
            $"{requirementsFile} does not name debugpy, so the host's Python may not have it and nothing can be attached. " +
            "Fix: add a line 'debugpy' to requirements.txt.");

    public static void WebSocketsTurnedOff(this TaskLoggingHelper log, string webConfig) =>
        Warn(log, WebSocketsDisabled, webConfig,
            $"{webConfig} sets <webSocket enabled=\"false\"/>; the Debug publish turns WebSockets on, but the site must allow them too. " +
            "Fix: remove that element from web.config, and turn on 'Web sockets' in the site's configuration.");

    public static void FastCgi(this TaskLoggingHelper log, string webConfig) =>
        Warn(log, FastCgiSite, webConfig,
            $"{webConfig} runs Python through FastCGI (wfastcgi), which the debug proxy cannot front under IIS, so attaching will fail there (Linux hosts use ptvsd/startup.sh and are not affected). " +
            "Fix: move the site to HttpPlatformHandler: https://learn.microsoft.com/visualstudio/python/configure-web-apps-for-iis-windows");

    public static void NotWellFormed(this TaskLoggingHelper log, string code, string file, XmlException error) =>
        log.LogError(null, code, null, file, error.LineNumber, error.LinePosition, 0, 0,
            $"{file} is not well-formed XML, so nothing was published: {FirstSentence(error.Message)} Fix the file, or delete it if it is web.debug.config to get a fresh one.");

    public static void BadSiteUrl(this TaskLoggingHelper log, string siteUrl, string? problem = null) =>
        log.LogError(null, InvalidSiteUrl, null, null, 0, 0, 0, 0,
            (problem is null
                ? $"PtvsdSiteUrl '{siteUrl}' is not an absolute http, https, ws or wss URL."
                : $"The site '{siteUrl}' gives an attach URI that ptvsd would refuse: the attach URI {problem}.") +
            " Fix: set PtvsdSiteUrl like https://myapp.azurewebsites.net, or set PtvsdSiteName=myapp instead.");

    public static void BadSiteName(this TaskLoggingHelper log, string siteName) =>
        log.LogError(null, InvalidSiteUrl, null, null, 0, 0, 0, 0,
            $"PtvsdSiteName '{siteName}' is neither an App Service name nor a host name. Fix: use the site's name as in https://<name>.azurewebsites.net (letters, digits and hyphens), or set PtvsdSiteUrl instead.");

    public static void PathBase(this TaskLoggingHelper log, string siteUrl, string path) =>
        log.LogError(null, SiteUrlWithPathBase, null, null, 0, 0, 0, 0,
            $"PtvsdSiteUrl '{siteUrl}' has the path '{path}', but the debug proxy is the site's front door and serves its endpoint at the site's root, /ptvsd, only. " +
            "Fix: set PtvsdSiteUrl to the site's root URL (scheme, host and port), e.g. https://myapp.azurewebsites.net.");

    /// <summary>Reads <c>PtvsdMaxDebugSessions</c>: null when empty; false, with PTVSD1109 logged, when it is no count.</summary>
    public static bool TryReadMaxDebugSessions(this TaskLoggingHelper log, string? value, out int? cap)
    {
        cap = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            return true;
        }

        if (!Ptvsd.Contract.ProxyContract.TryParseMaxDebugSessions(value, out var parsed))
        {
            log.BadMaxDebugSessions(value!.Trim());
            return false;
        }

        cap = parsed;
        return true;
    }

    private static void BadMaxDebugSessions(this TaskLoggingHelper log, string value) =>
        log.LogError(null, InvalidMaxDebugSessions, null, null, 0, 0, 0, 0,
            $"PtvsdMaxDebugSessions '{value}' is not a whole number from 1 to {Ptvsd.Contract.ProxyContract.MaxDebugSessionsLimit}. " +
            $"Fix: set it to the number of debug sessions to allow at once (one per gunicorn worker, plus one), or leave it empty for {Ptvsd.Contract.ProxyContract.DefaultMaxDebugSessions}.");

    public static void NoLinuxAppCommand(this TaskLoggingHelper log, string projectDirectory, string lookedFor) =>
        log.LogError(null, UnknownLinuxApp, null, null, 0, 0, 0, 0,
            $"This Debug publish cannot tell how to start the app on Linux: the project sets no PtvsdLinuxAppCommand or PtvsdAppCommand, has no web.config that starts it, and {projectDirectory} has no {lookedFor}. " +
            "Fix: set your App Service startup command as <PtvsdLinuxAppCommand>gunicorn --bind=0.0.0.0:$PORT myapp:app</PtvsdLinuxAppCommand> in the project ($PORT becomes the app's port behind the proxy), or PtvsdHostOs=windows for an IIS-only site.");

    private static void Warn(TaskLoggingHelper log, string code, string file, string message) =>
        log.LogWarning(null, code, null, file, 0, 0, 0, 0, message);

    // XmlException messages end with " Line 3, position 7." which the error's own line and column already say.
    private static string FirstSentence(string message)
    {
        var lineAt = message.IndexOf(" Line ", System.StringComparison.Ordinal);
        return lineAt > 0 ? message.Substring(0, lineAt) : message;
    }
}
