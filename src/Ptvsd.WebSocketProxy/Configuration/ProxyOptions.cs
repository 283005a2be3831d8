using Ptvsd.Contract;
using Ptvsd.WebSocketProxy.Authentication;

namespace Ptvsd.WebSocketProxy.Configuration;

/// <summary>Everything the proxy needs to run, resolved from the command line, the environment and web.config.</summary>
public sealed class ProxyOptions
{
    public IReadOnlyList<string> Urls { get; set; } = ["http://127.0.0.1:8080"];

    /// <summary>The site root: the folder that holds <c>ptvsd/</c> and <c>web.config</c>; the app runs here.</summary>
    public string ContentRoot { get; set; } = Directory.GetCurrentDirectory();

    /// <summary>Null when the relay is closed; <see cref="RelayClosedReason"/> then says why.</summary>
    public DebugSecret? Secret { get; set; }

    public string? RelayClosedReason { get; set; }

    public DebugServerAddress DebugServer { get; set; } = DebugServerAddress.Default;

    /// <summary>The app to start and supervise (everything after <c>--</c>); empty when there is none.</summary>
    public IReadOnlyList<string> AppCommand { get; set; } = [];

    /// <summary>An app that is already running, to forward to instead of starting one.</summary>
    public Uri? AppUrl { get; set; }

    public int MaxSessions { get; set; } = ProxyContract.DefaultMaxDebugSessions;

    /// <summary>How often the proxy pings an idle debug WebSocket, so front ends do not drop a paused session.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(ProxyContract.KeepAliveSeconds);

    /// <summary>How long a ping may go unanswered before the client is taken for gone and its session closed.</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(ProxyContract.KeepAliveMissedPings * ProxyContract.KeepAliveSeconds);

    /// <summary>How many failed authentications one client address may make per <see cref="AuthFailureWindow"/>.</summary>
    public int MaxAuthFailures { get; set; } = 10;

    /// <summary>How many failed authentications all clients together may make per <see cref="AuthFailureWindow"/>.</summary>
    public int MaxAuthFailuresOverall { get; set; } = 100;

    public TimeSpan AuthFailureWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How many requests may be forwarded to the app at once; more are refused with 503.</summary>
    public int MaxForwardedRequests { get; set; } = 512;

    /// <summary>The folder with the Python bootstrap (<c>sitecustomize.py</c>), put first on the app's PYTHONPATH.</summary>
    public string BootstrapPath { get; set; } = Path.Combine(AppContext.BaseDirectory, "bootstrap");

    /// <summary>The instance of a scaled-out site this proxy runs on (<c>WEBSITE_INSTANCE_ID</c>).</summary>
    public string? InstanceName { get; set; }

    public TimeSpan AppRestartMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a debugger's first bytes may go unanswered before the debug server is reported as not answering.</summary>
    public TimeSpan DebugServerAnswerTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool HasApp => AppCommand.Count > 0 || AppUrl is not null;
}
