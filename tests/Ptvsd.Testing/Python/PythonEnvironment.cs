namespace Ptvsd.Testing;

/// <summary>
/// A Python interpreter that can <c>import debugpy, flask</c>, found once per test run.
/// </summary>
/// <remarks>
/// Debian installs python3-debugpy and python3-flask for its own /usr/bin/python3; a pyenv or
/// venv <c>python3</c> earlier on PATH does not see them, so the first interpreter found is not
/// necessarily a usable one. Tests that need Python call <see cref="Require"/> and fail (not skip)
/// with install instructions when there is none: a skipped debugger test looks like a pass.
/// </remarks>
public sealed class PythonEnvironment
{
    /// <summary>Environment variable that names the interpreter to try first.</summary>
    public const string OverrideVariable = "PTVSD_PYTHON";

    private static readonly Lazy<PythonDiscoveryResult> Discovery = new(
        () => PythonDiscovery.Run(), LazyThreadSafetyMode.ExecutionAndPublication);

    internal PythonEnvironment(string path, string debugpyVersion, string flaskVersion)
    {
        Path = path;
        DebugpyVersion = debugpyVersion;
        FlaskVersion = flaskVersion;
    }

    /// <summary>The interpreter to run, as found (absolute path, or the override's value).</summary>
    public string Path { get; }

    /// <summary><c>debugpy.__version__</c>, e.g. <c>1.6.3+git20221103.a2a3328</c>.</summary>
    public string DebugpyVersion { get; }

    /// <summary><c>flask.__version__</c>.</summary>
    public string FlaskVersion { get; }

    /// <summary>The usable interpreter, or null if there is none. Probes on first call only.</summary>
    public static PythonEnvironment? Find() => Discovery.Value.Environment;

    /// <summary>
    /// The usable interpreter; throws <see cref="PythonEnvironmentNotFoundException"/> saying what
    /// was tried and how to fix it when there is none.
    /// </summary>
    public static PythonEnvironment Require() =>
        Discovery.Value.Environment ?? throw new PythonEnvironmentNotFoundException(Discovery.Value.Attempts);

    /// <summary>
    /// A start description for this interpreter with unbuffered output (so lines reach
    /// <see cref="ManagedProcess.WaitForOutputAsync"/> as they are printed) and no .pyc files
    /// written into the repository's samples.
    /// </summary>
    public ManagedProcessStartInfo CreateStartInfo(params IEnumerable<string> arguments)
    {
        var startInfo = new ManagedProcessStartInfo(Path, arguments) { Name = "python" };
        startInfo.Environment["PYTHONUNBUFFERED"] = "1";
        startInfo.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        return startInfo;
    }

    /// <summary>
    /// Fails, naming the Debian package to install, unless this interpreter can import <paramref name="module"/>
    /// (e.g. <c>django</c> from <c>python3-django</c>).
    /// </summary>
    public async Task RequireModuleAsync(string module, string debianPackage, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(module);
        ArgumentException.ThrowIfNullOrEmpty(debianPackage);
        await using var check = ManagedProcess.Start(CreateStartInfo("-c", $"import {module}"));
        if (await check.WaitForExitAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false) != 0)
        {
            throw new InvalidOperationException(
                $"{Path} cannot import {module} ({check.ErrorOutput.LastOrDefault() ?? "no error output"}): "
                + $"install it with `apt-get install {debianPackage}` (./build.sh test does when run as root), or set {OverrideVariable}.");
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Path} (debugpy {DebugpyVersion}, flask {FlaskVersion})";
}

/// <summary>No interpreter with debugpy and flask was found.</summary>
public sealed class PythonEnvironmentNotFoundException : Exception
{
    /// <summary>Creates the exception listing each candidate and why it was not usable.</summary>
    public PythonEnvironmentNotFoundException(IReadOnlyList<string> attempts)
        : base($"No Python interpreter with debugpy and flask was found (tried: {string.Join("; ", attempts)}). "
            + "Install them: apt-get install python3-flask python3-debugpy, or set PTVSD_PYTHON.")
    {
        Attempts = attempts;
    }

    /// <summary>One entry per candidate: what it was and why it failed.</summary>
    public IReadOnlyList<string> Attempts { get; }
}
