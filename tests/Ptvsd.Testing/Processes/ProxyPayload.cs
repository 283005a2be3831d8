using System.IO.Compression;

namespace Ptvsd.Testing;

/// <summary>
/// One proxy payload exactly as the packed Ptvsd.Azure.Sdk package carries it, laid out the way a Debug publish lays
/// out a site's <c>ptvsd/</c> folder: the payload with the shared Python <c>bootstrap/</c> beside it.
/// </summary>
public sealed class ProxyPayload
{
    private const string ProgramName = "Ptvsd.WebSocketProxy";

    private static readonly Lazy<string> Package = new(ExtractPackage);
    private static readonly Lazy<ProxyPayload> Assembly = new(() => LayOut("framework-dependent assembly, run with dotnet", "proxy", ProgramName + ".dll", runWithDotnet: true));
    private static readonly Lazy<ProxyPayload> SingleFile = new(() => LayOut("trimmed self-contained single file, linux-x64", "proxy-linux-x64", ProgramName, runWithDotnet: false));

    private readonly string _program;
    private readonly bool _runWithDotnet;

    private ProxyPayload(string name, string folder, string program, bool runWithDotnet)
    {
        Name = name;
        Folder = folder;
        _program = program;
        _runWithDotnet = runWithDotnet;
    }

    /// <summary>The packed package, <c>artifacts/packages/Ptvsd.Azure.Sdk.&lt;version&gt;.nupkg</c>, which the payloads come from.</summary>
    public static string PackagePath => Path.Combine(RepoPaths.Root, "artifacts", "packages", $"Ptvsd.Azure.Sdk.{RepoPaths.ProductVersion}.nupkg");

    /// <summary>The framework-dependent assembly, which hosts run with <c>dotnet</c> (IIS, or any host with .NET).</summary>
    public static ProxyPayload FrameworkDependent => Assembly.Value;

    /// <summary>The trimmed, self-contained single-file executable for linux-x64, which needs no .NET on the host.</summary>
    public static ProxyPayload LinuxSingleFile => SingleFile.Value;

    /// <summary>A short name for reports and test output.</summary>
    public string Name { get; }

    /// <summary>The folder laid out as a site's <c>ptvsd/</c>: the payload and <c>bootstrap/</c>.</summary>
    public string Folder { get; }

    /// <summary>Bytes on disk of everything the payload puts under <c>ptvsd/</c>, the bootstrap included.</summary>
    public long SizeOnDisk => Directory.EnumerateFiles(Folder, "*", SearchOption.AllDirectories).Sum(file => new FileInfo(file).Length);

    /// <summary>A run of the payload from <see cref="Folder"/> with <paramref name="arguments"/>.</summary>
    public ManagedProcessStartInfo StartInfo(params IEnumerable<string> arguments) => StartInfo(Folder, arguments);

    /// <summary>A run of the payload from a copy of it in <paramref name="ptvsdFolder"/> (see <see cref="CopyTo"/>).</summary>
    public ManagedProcessStartInfo StartInfo(string ptvsdFolder, IEnumerable<string> arguments)
    {
        var program = Path.Combine(ptvsdFolder, _program);
        return _runWithDotnet
            ? new ManagedProcessStartInfo("dotnet", [program, .. arguments]) { Name = ProgramName }
            : new ManagedProcessStartInfo(program, arguments) { Name = ProgramName };
    }

    /// <summary>Copies the payload into a site's <c>ptvsd/</c> folder, as a Debug publish does.</summary>
    public void CopyTo(string ptvsdFolder)
    {
        foreach (var file in Directory.EnumerateFiles(Folder, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(ptvsdFolder, Path.GetRelativePath(Folder, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    /// <inheritdoc />
    public override string ToString() => Name;

    private static ProxyPayload LayOut(string name, string packageFolder, string program, bool runWithDotnet)
    {
        var folder = Path.Combine(Package.Value, "layouts", packageFolder, "ptvsd");
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Package.Value, packageFolder)))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        // The bootstrap ships once, under proxy/, and a publish puts it beside either payload.
        var bootstrap = Directory.CreateDirectory(Path.Combine(folder, "bootstrap")).FullName;
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Package.Value, "proxy", "bootstrap")))
        {
            File.Copy(file, Path.Combine(bootstrap, Path.GetFileName(file)), overwrite: true);
        }

        if (!runWithDotnet)
        {
            if (!OperatingSystem.IsLinux())
            {
                throw new PlatformNotSupportedException($"The {name} payload runs on Linux only.");
            }

            // A zip keeps no file modes; the SDK's publish sets this bit the same way.
            var executable = Path.Combine(folder, program);
            File.SetUnixFileMode(executable, File.GetUnixFileMode(executable) | UnixFileMode.UserExecute);
        }

        return new ProxyPayload(name, folder, program, runWithDotnet);
    }

    private static string ExtractPackage()
    {
        var package = PackagePath;
        if (!File.Exists(package))
        {
            throw new FileNotFoundException(
                $"The packed SDK {package} does not exist; build Ptvsd.Build.sln first (./build.sh test does), which packs it.", package);
        }

        var root = Directory.CreateTempSubdirectory("ptvsd-payloads-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(root, recursive: true);
        ZipFile.ExtractToDirectory(package, root);
        return root;
    }
}
