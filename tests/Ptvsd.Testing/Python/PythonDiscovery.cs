using System.Diagnostics;

namespace Ptvsd.Testing;

internal sealed record PythonDiscoveryResult(PythonEnvironment? Environment, IReadOnlyList<string> Attempts);

/// <summary>
/// Probes candidate interpreters in a fixed order: <c>$PTVSD_PYTHON</c>, <c>python3</c> on
/// PATH, <c>/usr/bin/python3</c>, <c>python</c> on PATH.
/// </summary>
internal static class PythonDiscovery
{
    // A cold interpreter (or a pyenv shim, which is a shell script) starts in well under a
    // second; this only guards against one that hangs.
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(30);

    private const string ProbeScript =
        "import debugpy, flask\n" +
        "print(debugpy.__version__)\n" +
        "print(getattr(flask, '__version__', 'unknown'))\n";

    public static PythonDiscoveryResult Run()
    {
        var attempts = new List<string>();
        var probed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (label, path) in Candidates())
        {
            if (path is null)
            {
                attempts.Add(label);
                continue;
            }

            var what = label == path ? path : $"{label} ({path})";
            if (!probed.Add(path))
            {
                attempts.Add($"{what}: already tried");
                continue;
            }

            var (environment, failure) = Probe(path);
            if (environment is not null)
            {
                return new PythonDiscoveryResult(environment, attempts);
            }

            attempts.Add($"{what}: {failure}");
        }

        return new PythonDiscoveryResult(null, attempts);
    }

    private static IEnumerable<(string Label, string? Path)> Candidates()
    {
        var overridePath = Environment.GetEnvironmentVariable(PythonEnvironment.OverrideVariable);
        // A null path means "nothing to run"; the label then says why.
        yield return string.IsNullOrWhiteSpace(overridePath)
            ? ($"${PythonEnvironment.OverrideVariable} not set", null)
            : ($"${PythonEnvironment.OverrideVariable}", Path.IsPathRooted(overridePath) ? overridePath : FindOnPath(overridePath) ?? overridePath);
        yield return FindOnPath("python3") is { } python3 ? ("python3 on PATH", python3) : ("no python3 on PATH", null);
        yield return File.Exists("/usr/bin/python3") ? ("/usr/bin/python3", "/usr/bin/python3") : ("no /usr/bin/python3", null);
        yield return FindOnPath("python") is { } python ? ("python on PATH", python) : ("no python on PATH", null);
    }

    private static string? FindOnPath(string name)
    {
        var extensions = OperatingSystem.IsWindows() ? new[] { ".exe", "" } : [""];
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var extension in extensions)
            {
                var candidate = Path.Combine(directory, name + extension);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private static (PythonEnvironment? Environment, string? Failure) Probe(string path)
    {
        if (Path.IsPathRooted(path) && !File.Exists(path))
        {
            return (null, "does not exist");
        }

        var psi = new ProcessStartInfo(path)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(ProbeScript);

        using var process = new Process { StartInfo = psi };
        try
        {
            process.Start();
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or IOException)
        {
            return (null, $"cannot run ({ex.Message})");
        }

        // Both pipes are drained concurrently: a child blocked on a full stderr pipe never exits.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(ProbeTimeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return (null, $"did not answer within {ProbeTimeout.TotalSeconds:0} s");
        }

        var output = stdout.GetAwaiter().GetResult().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (process.ExitCode == 0 && output.Length >= 2)
        {
            return (new PythonEnvironment(path, output[0], output[1]), null);
        }

        // The last stderr line of a failed import is the useful one: "ModuleNotFoundError: No module named 'debugpy'".
        var error = stderr.GetAwaiter().GetResult().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return (null, error.Length > 0 ? error[^1] : $"exit code {process.ExitCode}");
    }
}
