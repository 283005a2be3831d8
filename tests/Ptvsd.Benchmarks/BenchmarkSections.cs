namespace Ptvsd.Benchmarks;

/// <summary>The sections a run can be limited to, named on the command line (<c>./build.sh bench forwarding</c>).</summary>
internal static class BenchmarkSections
{
    /// <summary>Relay latency and throughput, and whole debugger sessions.</summary>
    public const string Relay = "relay";

    /// <summary><c>dotnet publish</c> with and without the SDK.</summary>
    public const string Publish = "publish";

    /// <summary>Size, cold start and idle memory of the packed proxy payloads.</summary>
    public const string Payloads = "payloads";

    /// <summary>HTTP requests to a gunicorn app directly, through the proxy and through nginx.</summary>
    public const string Forwarding = "forwarding";

    /// <summary>Cold starts of the installed <c>ptvsd</c> tool.</summary>
    public const string Tool = "tool";

    /// <summary>Every section, in the order a run takes them.</summary>
    public static readonly IReadOnlyList<string> All = [Relay, Publish, Payloads, Forwarding, Tool];

    /// <summary>The sections <paramref name="args"/> name, all of them when it names none; false if it names an unknown one.</summary>
    public static bool TryParse(IReadOnlyList<string> args, out IReadOnlySet<string> sections)
    {
        sections = new HashSet<string>(args.Count == 0 ? All : args, StringComparer.OrdinalIgnoreCase);
        return sections.All(section => All.Contains(section, StringComparer.OrdinalIgnoreCase));
    }
}
