namespace Ptvsd.Attach.Probe;

/// <summary>One of the checks <c>ptvsd probe</c> runs, in the order it runs them: each needs the ones before it.</summary>
internal sealed record ProbeCheck(string Id, string Title)
{
    public static readonly ProbeCheck SiteAnswers = new("site", "site answers HTTP");
    public static readonly ProbeCheck ProxyDeployed = new("proxy", "/ptvsd is the debug proxy");
    public static readonly ProbeCheck UpgradeReachesProxy = new("upgrade", "WebSocket upgrade reaches the proxy");
    public static readonly ProbeCheck SecretAccepted = new("secret", "secret accepted");
    public static readonly ProbeCheck DebugServerReachable = new("debugServer", "debug server reachable");

    public static IReadOnlyList<ProbeCheck> All { get; } = [SiteAnswers, ProxyDeployed, UpgradeReachesProxy, SecretAccepted, DebugServerReachable];
}
