using System.Diagnostics;
using Ptvsd.Testing;

namespace Ptvsd.Benchmarks;

/// <summary>One way of starting <c>ptvsd</c>, timed from process start to the moment it has done its job.</summary>
public sealed record ToolStart(string Name, IReadOnlyList<double> Milliseconds)
{
    public double Median => Statistics.Median(Milliseconds);
}

/// <summary>
/// Cold starts of <c>ptvsd</c> as a developer runs it: packed, installed with <c>dotnet tool install --tool-path</c>
/// and started through the command it installs. The cases take turns, so a change in machine load touches them all.
/// </summary>
internal static class ToolBenchmark
{
    public const int Runs = 11;

    // A closed port on loopback: attach listens without the site being reachable, and nothing outside is contacted.
    private const string Uri = "ws://benchmark-secret-0123456789@127.0.0.1:9/ptvsd";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(3);

    private static readonly (string Name, string[] Arguments, int ExitCode)[] ToExit =
    [
        ("ptvsd --version", ["--version"], 0),
        ("ptvsd attach --help", ["attach", "--help"], 0),
        ("ptvsd attach URI --port 99999 (a mistake, exit 2)", ["attach", Uri, "--port", "99999"], 2),
    ];

    private const string ToListening = "ptvsd attach URI --port 0, to its first line (listening)";

    public static async Task<IReadOnlyList<ToolStart>> MeasureAsync(CancellationToken cancellationToken)
    {
        var root = Directory.CreateTempSubdirectory("ptvsd-bench-tool-").FullName;
        try
        {
            var tool = await InstallAsync(root, cancellationToken);
            var timings = ToExit.Select(c => c.Name).Append(ToListening).ToDictionary(name => name, _ => new List<double>());

            // Run -1 warms the disk cache; it is not recorded.
            for (var run = -1; run < Runs; run++)
            {
                foreach (var (name, arguments, exitCode) in ToExit)
                {
                    var elapsed = await TimedProcess.RunAsync(new ManagedProcessStartInfo(tool, arguments), exitCode, Timeout, cancellationToken);
                    Record(timings[name], run, elapsed.TotalMilliseconds);
                }

                Record(timings[ToListening], run, await RunToListeningAsync(tool, cancellationToken));
            }

            return [.. timings.Select(entry => new ToolStart(entry.Key, entry.Value))];
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static void Record(List<double> timings, int run, double milliseconds)
    {
        if (run >= 0)
        {
            timings.Add(milliseconds);
        }
    }

    private static async Task<string> InstallAsync(string root, CancellationToken cancellationToken)
    {
        // The benchmark's own build has just compiled ptvsd, in the same configuration: pack that build.
        var feed = Path.Combine(root, "feed");
        var pack = TimedProcess.Dotnet("pack", Path.Combine(RepoPaths.Root, "src", "Ptvsd.Attach"), "-c", ProxyProcess.BuildConfiguration, "--no-build", "-o", feed, "-nologo");
        await TimedProcess.RunAsync(pack, 0, InstallTimeout, cancellationToken);

        // NuGet caches packages by version: a cache of the run's own installs the tool just packed.
        var tools = Path.Combine(root, "tools");
        var install = TimedProcess.Dotnet("tool", "install", "Ptvsd.Attach", "--tool-path", tools, "--add-source", feed, "--version", RepoPaths.ProductVersion);
        install.Environment["NUGET_PACKAGES"] = Path.Combine(root, "nuget");
        await TimedProcess.RunAsync(install, 0, InstallTimeout, cancellationToken);
        return Path.Combine(tools, OperatingSystem.IsWindows() ? "ptvsd.exe" : "ptvsd");
    }

    private static async Task<double> RunToListeningAsync(string tool, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await using var ptvsd = ManagedProcess.Start(new ManagedProcessStartInfo(tool, "attach", Uri, "--port", "0"));
        await ptvsd.WaitForOutputAsync(PtvsdTool.IsListeningLine, Timeout, cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        await ptvsd.InterruptAsync(Timeout, cancellationToken);
        return elapsed;
    }
}
