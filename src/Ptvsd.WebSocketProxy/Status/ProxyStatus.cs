using System.Text.Json.Nodes;
using Ptvsd.WebSocketProxy.App;
using Ptvsd.WebSocketProxy.Configuration;
using Ptvsd.WebSocketProxy.Relay;

namespace Ptvsd.WebSocketProxy.Status;

/// <summary>
/// What <c>GET /ptvsd</c> reports. Anyone may learn that the proxy is up and whether its relay is open;
/// only a client holding the secret learns where the debug server is and how the app is doing.
/// </summary>
public sealed class ProxyStatus(ProxyOptions options, AppSupervisor app, SessionLimiter sessions, DebugServerProbe probe, DebugServerHealth health)
{
    /// <summary>The version of the package the proxy came in, as a user sees it on the package.</summary>
    public static string ProxyVersion => ThisAssembly.NuGetPackageVersion;

    public bool RelayOpen => options.Secret is not null;

    public string? RelayClosedReason => options.RelayClosedReason;

    public JsonObject Public()
    {
        var status = new JsonObject
        {
            ["proxy"] = "up",
            ["relay"] = RelayOpen ? "open" : "closed",
            ["authenticated"] = false,
        };

        if (!RelayOpen)
        {
            status["reason"] = RelayClosedReason;
        }

        return status;
    }

    public JsonObject Authenticated()
    {
        var appStatus = app.Status;
        var report = app.BootstrapReport.Read();
        var status = Public();
        status["authenticated"] = true;

        // Reachable means this app's debugger listens: a listener of anyone else's (an adapter an earlier start left,
        // another program) would take the attach somewhere it must not go, or nowhere.
        var listening = probe.IsListening();
        var ours = listening ? app.OwnsDebugServerListener() : null;
        status["debugServer"] = new JsonObject
        {
            ["address"] = options.DebugServer.ToString(),
            ["reachable"] = listening && ours != false,
            ["heldByAnotherProcess"] = listening && ours == false,
            ["unansweredSince"] = health.UnansweredSince?.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["bootstrapError"] = report?["error"]?.DeepClone(),
        };
        status["app"] = new JsonObject
        {
            ["state"] = appStatus.State.ToString().ToLowerInvariant(),
            ["pid"] = appStatus.ProcessId,
            ["restarts"] = appStatus.Restarts,
            ["lastExit"] = appStatus.LastExit,
        };
        status["sessions"] = new JsonObject { ["active"] = sessions.Active, ["max"] = sessions.Maximum };
        status["instance"] = options.InstanceName;
        status["versions"] = new JsonObject
        {
            ["proxy"] = ProxyVersion,
            ["dotnet"] = Environment.Version.ToString(),
            ["debugpy"] = report?["debugpy"]?.DeepClone(),
            ["python"] = report?["python"]?.DeepClone(),
        };
        return status;
    }
}
