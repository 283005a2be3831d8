using System.Diagnostics;
using Ptvsd.Testing;

namespace Ptvsd.Benchmarks;

/// <summary>A process run to its exit and timed, for the benchmarks that measure whole runs of a command.</summary>
internal static class TimedProcess
{
    /// <summary>A <c>dotnet</c> command without the first-run banner and telemetry, whose output would only add noise.</summary>
    public static ManagedProcessStartInfo Dotnet(params string[] arguments)
    {
        var start = new ManagedProcessStartInfo("dotnet", arguments);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        return start;
    }

    /// <summary>Process start to exit; a run that ends with another exit code fails the benchmark with its output's tail.</summary>
    public static async Task<TimeSpan> RunAsync(ManagedProcessStartInfo start, int expectedExitCode, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await using var process = ManagedProcess.Start(start);
        var exitCode = await process.WaitForExitAsync(timeout, cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(started);
        return exitCode == expectedExitCode
            ? elapsed
            : throw new InvalidOperationException(
                $"{Path.GetFileName(start.FileName)} {string.Join(' ', start.Arguments.Take(2))} exited with {exitCode}, not {expectedExitCode}:{Environment.NewLine}{process.OutputTail()}");
    }
}
