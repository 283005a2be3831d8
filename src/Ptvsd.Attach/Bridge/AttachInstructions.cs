using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ptvsd.Attach.Target;
using Ptvsd.Contract;

namespace Ptvsd.Attach.Bridge;

/// <summary>
/// What <c>ptvsd attach</c> prints once it listens: the local endpoint on the first line, then a VS Code
/// <c>launch.json</c> configuration to paste and the Visual Studio steps, both pointing at that endpoint.
/// </summary>
internal static class AttachInstructions
{
    /// <summary>Where App Service on Linux puts the published app; the remote side of the path mapping.</summary>
    public const string DefaultRemoteRoot = "/home/site/wwwroot";

    // Printed for a person to paste into a JSON file: '$', quotes and non-ASCII stay readable.
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write(TextWriter output, IPEndPoint listening, AttachUri target, string remoteRoot)
    {
        var (host, port) = (ConnectHost(listening.Address), listening.Port);
        output.WriteLine($"ptvsd attach is listening on {Format(listening)} and relays each debugger session to {target.Display}");
        output.WriteLine();
        output.WriteLine("VS Code: add this to \"configurations\" in .vscode/launch.json, then Run > Start Debugging (needs the Python Debugger extension):");
        output.WriteLine(LaunchConfiguration(host, port, target, remoteRoot).ToJsonString(Json));
        output.WriteLine();
        output.WriteLine($"Visual Studio: Debug > Attach to Process (Ctrl+Alt+P); Connection type: Python remote (debugpy); "
            + $"Connection target: tcp://{FormatHost(host)}:{port}, press Enter; select the python process; Attach.");
        output.WriteLine();
        output.WriteLine("Sessions are reported below; press Ctrl+C to stop.");
    }

    /// <summary>An attach configuration for the Python Debugger extension (type <c>debugpy</c>).</summary>
    public static JsonObject LaunchConfiguration(string host, int port, AttachUri target, string remoteRoot) => new()
    {
        ["name"] = $"Attach to {target.Authority} (ptvsd)",
        ["type"] = "debugpy",
        ["request"] = "attach",
        ["connect"] = new JsonObject { ["host"] = host, ["port"] = port },
        ["pathMappings"] = new JsonArray(new JsonObject
        {
            ["localRoot"] = "${workspaceFolder}",
            ["remoteRoot"] = remoteRoot,
        }),
    };

    /// <summary>The address a debugger on this machine dials: loopback when listening on every interface.</summary>
    private static string ConnectHost(IPAddress listening) =>
        listening.Equals(IPAddress.Any) || listening.Equals(IPAddress.IPv6Any) ? "127.0.0.1" : listening.ToString();

    private static string FormatHost(string host) => host.Contains(':') ? $"[{host}]" : host;

    private static string Format(IPEndPoint endPoint) => $"{FormatHost(endPoint.Address.ToString())}:{endPoint.Port}";
}
