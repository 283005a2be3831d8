namespace Ptvsd.Contract;

/// <summary>
/// The app settings (environment variables on the host, or web.config's appSettings) through which a Debug publish
/// configures the proxy. The SDK's tasks write them and the proxy reads them, so both take the names from here.
/// </summary>
internal static class SiteSettings
{
    /// <summary>The plain secret: kept in web.debug.config beside the project, or given to the proxy by the host.</summary>
    public const string Secret = "WSGI_PTVSD_SECRET";

    /// <summary>The verifier a Debug publish writes into the published web.config instead of the secret.</summary>
    public const string SecretVerifier = "WSGI_PTVSD_SECRET_VERIFIER";

    /// <summary>Where debugpy listens inside the app (wfastcgi's name, kept for PTVS users).</summary>
    public const string DebugServerAddress = "WSGI_PTVSD_ADDRESS";

    /// <summary>How many debug sessions the proxy relays at once (a gunicorn app takes one per worker plus one).</summary>
    public const string MaxDebugSessions = "PTVSD_MAX_SESSIONS";
}
