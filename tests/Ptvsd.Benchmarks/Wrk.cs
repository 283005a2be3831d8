using System.Globalization;
using Ptvsd.Testing;

namespace Ptvsd.Benchmarks;

/// <summary>What one wrk run counted.</summary>
/// <param name="Requests">Completed requests, whatever their status.</param>
/// <param name="Seconds">How long wrk sent them.</param>
/// <param name="SocketErrors">Connect, read and write errors and timeouts.</param>
/// <param name="StatusErrors">Responses that were not 2xx or 3xx (a proxy's 502, say).</param>
public sealed record WrkRun(long Requests, double Seconds, long SocketErrors, long StatusErrors, double P50Milliseconds, double P99Milliseconds)
{
    public double RequestsPerSecond => Requests / Seconds;
}

/// <summary>
/// wrk, the HTTP/1.1 load generator: <see cref="Threads"/> threads keep <see cref="Connections"/> keep-alive
/// connections busy with GETs of one URL for a fixed time.
/// </summary>
internal sealed class Wrk
{
    public const int Threads = 2;
    public const int Connections = 16;

    private const string ReportPrefix = "ptvsd-wrk ";

    // wrk's own summary rounds its figures and picks units as it likes; its done() hook hands over the exact
    // counts, printed here as one line of name=value pairs.
    private const string ReportScript = """
        done = function(summary, latency, requests)
          local errors = summary.errors
          io.write(string.format("ptvsd-wrk requests=%d duration_us=%d socket_errors=%d status_errors=%d p50_us=%d p99_us=%d\n",
            summary.requests, summary.duration, errors.connect + errors.read + errors.write + errors.timeout, errors.status,
            latency:percentile(50), latency:percentile(99)))
        end
        """;

    // Beyond the run itself: wrk waits up to its own 2 s timeout for the last responses.
    private static readonly TimeSpan ExitMargin = TimeSpan.FromSeconds(30);

    private readonly string _executable;
    private readonly string _script;

    private Wrk(string executable, string script, string version)
    {
        _executable = executable;
        _script = script;
        Version = version;
    }

    /// <summary>As <c>wrk -v</c> reports it, e.g. <c>wrk 4.1.0 [epoll]</c>.</summary>
    public string Version { get; }

    /// <summary>Readies <paramref name="executable"/>, writing its report script into <paramref name="folder"/>.</summary>
    public static async Task<Wrk> CreateAsync(string executable, string folder, CancellationToken cancellationToken)
    {
        var script = Path.Combine(folder, "wrk-report.lua");
        await File.WriteAllTextAsync(script, ReportScript, cancellationToken);

        // -v prints the version line, then the usage, and exits 1.
        await using var wrk = ManagedProcess.Start(new ManagedProcessStartInfo(executable, "-v") { Name = "wrk" });
        await wrk.WaitForExitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        var version = wrk.Output.FirstOrDefault(line => line.StartsWith("wrk ", StringComparison.Ordinal)) is { } line
            ? string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(3))
            : "wrk (version unknown)";
        return new Wrk(executable, script, version);
    }

    /// <summary>Loads <paramref name="url"/> for <paramref name="duration"/> (whole seconds) and returns what wrk counted.</summary>
    public async Task<WrkRun> RunAsync(Uri url, TimeSpan duration, CancellationToken cancellationToken)
    {
        var seconds = (int)Math.Ceiling(duration.TotalSeconds);
        var start = new ManagedProcessStartInfo(
            _executable,
            "-t", Threads.ToString(CultureInfo.InvariantCulture),
            "-c", Connections.ToString(CultureInfo.InvariantCulture),
            "-d", seconds.ToString(CultureInfo.InvariantCulture) + "s",
            "-s", _script,
            url.ToString())
        {
            Name = "wrk",
        };

        await using var wrk = ManagedProcess.Start(start);
        var exitCode = await wrk.WaitForExitAsync(TimeSpan.FromSeconds(seconds) + ExitMargin, cancellationToken);
        var report = wrk.Output.FirstOrDefault(line => line.StartsWith(ReportPrefix, StringComparison.Ordinal));
        if (exitCode != 0 || report is null)
        {
            throw new InvalidOperationException($"wrk against {url} failed (exit code {exitCode}):{Environment.NewLine}{wrk.OutputTail()}");
        }

        return Parse(report);
    }

    private static WrkRun Parse(string report)
    {
        var values = report[ReportPrefix.Length..]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => long.Parse(pair[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
        return new WrkRun(
            values["requests"],
            values["duration_us"] / 1_000_000.0,
            values["socket_errors"],
            values["status_errors"],
            values["p50_us"] / 1000.0,
            values["p99_us"] / 1000.0);
    }
}
