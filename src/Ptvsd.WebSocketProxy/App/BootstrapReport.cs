using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ptvsd.WebSocketProxy.App;

/// <summary>
/// The small JSON file the Python bootstrap writes once it has (or has not) started debugpy: the only way the
/// proxy learns debugpy's version and why it failed without connecting to the debug server.
/// </summary>
public sealed class BootstrapReport(string path)
{
    public const string Variable = "PTVSD_BOOTSTRAP_REPORT";

    public string Path { get; } = path;

    public static BootstrapReport ForThisProcess() =>
        new(System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"ptvsd-bootstrap-{Environment.ProcessId}.json"));

    public JsonObject? Read()
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(Path)) as JsonObject;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            // Not written yet, or written by an older bootstrap: the status page shows what it knows without it.
            return null;
        }
    }

    public void Delete()
    {
        try
        {
            File.Delete(Path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A stale report is overwritten by the next app start anyway.
        }
    }
}
