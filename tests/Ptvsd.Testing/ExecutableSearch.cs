namespace Ptvsd.Testing;

/// <summary>Finds a program the tests and benchmarks drive but the repository does not ship (nginx, wrk).</summary>
public static class ExecutableSearch
{
    // Debian installs nginx into /usr/sbin, which a non-root PATH usually lacks.
    private static readonly string[] SystemFolders = ["/usr/sbin", "/sbin"];

    /// <summary>The first executable file named <paramref name="name"/> on PATH or in the system folders; null if none.</summary>
    public static string? Find(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(SystemFolders)
            .Select(folder => Path.Combine(folder, name))
            .FirstOrDefault(IsExecutable);
    }

    private static bool IsExecutable(string file) =>
        File.Exists(file)
        && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(file) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0);
}
