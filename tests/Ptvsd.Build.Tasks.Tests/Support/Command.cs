using System.Diagnostics;

namespace Ptvsd.Build.Tasks.Tests.Support;

/// <summary>Runs a short command line tool (git, sh) to completion.</summary>
internal static class Command
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Runs <paramref name="program"/> in <paramref name="folder"/>; returns its exit code and everything it wrote.</summary>
    public static (int ExitCode, string Output) Run(string folder, string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Patience))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish within {Patience.TotalSeconds} s.");
        }

        return (process.ExitCode, output.Result + errors.Result);
    }

    /// <summary>Runs <paramref name="program"/> and asserts that it succeeds.</summary>
    public static void Succeeds(string folder, string program, params string[] arguments)
    {
        var (exitCode, output) = Run(folder, program, arguments);
        Assert.True(exitCode == 0, $"{program} {string.Join(' ', arguments)} exited with {exitCode}: {output}");
    }
}
