namespace Ptvsd.Testing;

/// <summary>What <see cref="ManagedProcess.Start(ManagedProcessStartInfo)"/> runs, and how.</summary>
public sealed class ManagedProcessStartInfo
{
    /// <summary>Describes a run of <paramref name="fileName"/> with <paramref name="arguments"/>.</summary>
    /// <param name="fileName">The executable: an absolute path, or a name looked up on PATH.</param>
    /// <param name="arguments">Arguments, passed as-is (no shell quoting needed).</param>
    public ManagedProcessStartInfo(string fileName, params IEnumerable<string> arguments)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        FileName = fileName;
        Arguments = [.. arguments];
    }

    /// <summary>The executable.</summary>
    public string FileName { get; }

    /// <summary>The arguments; may be added to before starting.</summary>
    public List<string> Arguments { get; }

    /// <summary>
    /// Changes to the inherited environment: a value sets the variable, <c>null</c> removes it
    /// (e.g. to make sure a developer's own <c>WSGI_PTVSD_SECRET</c> does not leak into a test).
    /// </summary>
    public Dictionary<string, string?> Environment { get; } = new(StringComparer.Ordinal);

    /// <summary>The working directory; the test's current directory when null.</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>
    /// Receives each output line as it arrives, prefixed with <see cref="Name"/> — typically
    /// xunit's <c>ITestOutputHelper.WriteLine</c>, so a failing test shows what the process said.
    /// </summary>
    public Action<string>? Output { get; set; }

    /// <summary>A short label for log lines and messages; the executable's file name when null.</summary>
    public string? Name { get; set; }
}
