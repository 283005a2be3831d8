using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Ptvsd.Testing;

/// <summary>
/// The <c>ptvsd</c> client tool (src/Ptvsd.Attach) run as a user runs it, as its own process:
/// <c>dotnet Ptvsd.Attach.dll ...</c> from the test's output folder, where a project reference to Ptvsd.Attach puts it.
/// </summary>
public static partial class PtvsdTool
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The tool's assembly beside the running test assembly.</summary>
    public static string AssemblyPath { get; } = Path.Combine(AppContext.BaseDirectory, "Ptvsd.Attach.dll");

    /// <summary>A start description for <c>ptvsd <paramref name="arguments"/></c>, its output lines labelled <paramref name="name"/>.</summary>
    public static ManagedProcessStartInfo CreateStartInfo(string name, params IEnumerable<string> arguments)
    {
        if (!File.Exists(AssemblyPath))
        {
            throw new FileNotFoundException($"{AssemblyPath} does not exist; the test project must reference src/Ptvsd.Attach.", AssemblyPath);
        }

        return new ManagedProcessStartInfo("dotnet", [AssemblyPath, .. arguments]) { Name = name };
    }

    /// <summary>
    /// Waits until a started <c>ptvsd attach</c> is ready (its first line names the endpoint it listens on; the
    /// launch configuration and the Visual Studio steps follow, ending with "press Ctrl+C to stop") and returns
    /// that endpoint, where debuggers connect.
    /// </summary>
    public static async Task<IPEndPoint> WaitUntilAttachListeningAsync(ManagedProcess attach, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attach);
        var ready = await attach.WaitForOutputAsync(IsListeningLine, ReadyTimeout, cancellationToken).ConfigureAwait(false);
        await attach.WaitForOutputAsync(line => line.Contains("press Ctrl+C to stop", StringComparison.Ordinal), ReadyTimeout, cancellationToken).ConfigureAwait(false);
        var match = ListeningLine().Match(ready);
        return new IPEndPoint(IPAddress.Parse(match.Groups[1].Value), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// The VS Code launch configuration a ready <c>ptvsd attach</c> printed (the JSON object after its "VS Code: add
    /// this" line), as a user pastes it into launch.json.
    /// </summary>
    public static JsonObject PrintedLaunchConfiguration(ManagedProcess attach)
    {
        ArgumentNullException.ThrowIfNull(attach);
        var lines = attach.Output.ToList();
        var start = lines.FindIndex(line => line.StartsWith("VS Code: add this", StringComparison.Ordinal)) + 1;
        var end = start == 0 ? -1 : lines.FindIndex(start, line => line == "}");
        if (end < 0)
        {
            throw new InvalidDataException($"ptvsd attach printed no launch configuration:\n{string.Join('\n', lines)}");
        }

        return JsonNode.Parse(string.Join('\n', lines.Skip(start).Take(end - start + 1)))?.AsObject()
            ?? throw new InvalidDataException("ptvsd attach printed a launch configuration of JSON null.");
    }

    /// <summary>Whether <paramref name="line"/> is the line <c>ptvsd attach</c> prints once it listens.</summary>
    public static bool IsListeningLine(string line) => ListeningLine().IsMatch(line);

    [GeneratedRegex(@"listening on \[?([0-9a-f.:]+)\]?:(\d+) ")]
    private static partial Regex ListeningLine();
}
