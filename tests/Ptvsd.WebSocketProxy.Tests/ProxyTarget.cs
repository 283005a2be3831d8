using Ptvsd.Testing;

namespace Ptvsd.WebSocketProxy.Tests;

/// <summary>
/// The build of the proxy this run of the suite tests, chosen by <c>PTVSD_PROXY_TARGET</c>:
/// <list type="bullet">
/// <item><c>assembly</c> (the default): the assembly, in this process, and run with <c>dotnet</c> where a test needs
/// the proxy's own process;</item>
/// <item><c>single-file</c>: the trimmed self-contained linux-x64 executable from the packed SDK package, which every
/// test then runs as its own process.</item>
/// </list>
/// <c>./build.sh test</c> runs the suite once for each.
/// </summary>
internal static class ProxyTarget
{
    public const string Variable = "PTVSD_PROXY_TARGET";

    /// <summary>
    /// The trait that marks tests with nothing to run against the executable, which its run filters out
    /// (<c>ProxyTarget!=none&amp;ProxyTarget!=assembly</c>).
    /// </summary>
    public const string Trait = "ProxyTarget";

    /// <summary>Tests of the proxy's code alone: they start no proxy.</summary>
    public const string NoProxy = "none";

    /// <summary>Tests that set what only the proxy's code can (a timing no user has reason to change, so no command-line form).</summary>
    public const string AssemblyOnly = "assembly";

    private const string AssemblyName = "Ptvsd.WebSocketProxy";

    private static readonly Lazy<ProxyPayload?> Executable = new(Resolve);

    /// <summary>The executable payload the suite runs against; null when it tests the assembly.</summary>
    public static ProxyPayload? SingleFile => Executable.Value;

    /// <summary>A run of the proxy from <paramref name="ptvsdFolder"/> (the build output when null) with <paramref name="arguments"/>.</summary>
    public static ManagedProcessStartInfo StartInfo(string? ptvsdFolder, params IEnumerable<string> arguments)
    {
        if (SingleFile is { } payload)
        {
            return payload.StartInfo(ptvsdFolder ?? payload.Folder, arguments);
        }

        var assembly = Path.Combine(ptvsdFolder ?? AppContext.BaseDirectory, AssemblyName + ".dll");
        return new ManagedProcessStartInfo("dotnet", [assembly, .. arguments]) { Name = AssemblyName };
    }

    /// <summary>Puts the proxy and its bootstrap into a site's <c>ptvsd/</c> folder, as a Debug publish does.</summary>
    public static void CopyTo(string ptvsdFolder)
    {
        if (SingleFile is { } payload)
        {
            payload.CopyTo(ptvsdFolder);
            return;
        }

        foreach (var name in AssemblyFiles())
        {
            File.Copy(Path.Combine(AppContext.BaseDirectory, name), Path.Combine(ptvsdFolder, name));
        }

        var bootstrap = Directory.CreateDirectory(Path.Combine(ptvsdFolder, "bootstrap")).FullName;
        File.Copy(Path.Combine(AppContext.BaseDirectory, "bootstrap", "sitecustomize.py"), Path.Combine(bootstrap, "sitecustomize.py"));
    }

    /// <summary>The proxy's own files and every package assembly its deps.json says it loads, as its publish lays them out.</summary>
    private static IEnumerable<string> AssemblyFiles()
    {
        var depsFile = AssemblyName + ".deps.json";
        var deps = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, depsFile)))!;
        var runtimeFiles = deps["targets"]!.AsObject().Single().Value!.AsObject()
            .SelectMany(library => library.Value!["runtime"]?.AsObject().Select(file => Path.GetFileName(file.Key)) ?? []);
        return [AssemblyName + ".runtimeconfig.json", depsFile, .. runtimeFiles.Distinct()];
    }

    /// <summary>
    /// A package packed before the proxy's last build holds an older proxy: testing it would pass or fail for the
    /// wrong code. (Building the solution packs after building the proxy; a copied assembly keeps its time.)
    /// </summary>
    private static ProxyPayload RequireFreshPackage(ProxyPayload payload)
    {
        var built = File.GetLastWriteTimeUtc(Path.Combine(AppContext.BaseDirectory, AssemblyName + ".dll"));
        return File.GetLastWriteTimeUtc(ProxyPayload.PackagePath) >= built
            ? payload
            : throw new InvalidOperationException(
                $"{ProxyPayload.PackagePath} was packed before the proxy was last built, so it holds an older proxy; build Ptvsd.Build.sln (./build.sh test does) and run again.");
    }

    private static ProxyPayload? Resolve() => Environment.GetEnvironmentVariable(Variable) switch
    {
        null or "" or "assembly" => null,
        "single-file" => RequireFreshPackage(ProxyPayload.LinuxSingleFile),
        var other => throw new InvalidOperationException($"{Variable}='{other}' is not a proxy target; use 'assembly' (the default) or 'single-file'."),
    };
}
