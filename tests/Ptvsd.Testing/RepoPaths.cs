namespace Ptvsd.Testing;

/// <summary>Locations inside the repository, found from the test assembly's own location.</summary>
public static class RepoPaths
{
    /// <summary>The file that marks the repository root.</summary>
    public const string SolutionFileName = "Ptvsd.Build.sln";

    private static readonly Lazy<string> RootPath = new(FindRoot);

    /// <summary>
    /// The repository root: the nearest folder above <see cref="AppContext.BaseDirectory"/> (the
    /// test's bin folder) that contains <see cref="SolutionFileName"/>.
    /// </summary>
    public static string Root => RootPath.Value;

    /// <summary>
    /// The product version, as Nerdbank.GitVersioning read it from version.json for this build: the version every
    /// package of the same build carries.
    /// </summary>
    public static string ProductVersion => ThisAssembly.NuGetPackageVersion;

    /// <summary><c>samples/&lt;name&gt;</c>; throws if that folder does not exist.</summary>
    public static string Sample(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var path = Path.Combine(Root, "samples", name);
        return Directory.Exists(path)
            ? path
            : throw new DirectoryNotFoundException($"Sample '{name}' not found: {path} does not exist.");
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, SolutionFileName)))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException(
            $"No folder above {AppContext.BaseDirectory} contains {SolutionFileName}; tests must run from a build inside the repository.");
    }
}
