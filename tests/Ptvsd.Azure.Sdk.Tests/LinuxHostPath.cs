namespace Ptvsd.Azure.Sdk.Tests;

/// <summary>
/// A PATH for a Linux host as App Service's Python images are: no .NET at all, only what <c>ptvsd/startup.sh</c> and the
/// app run. <c>python</c> is the interpreter that has the app's requirements; a server command (gunicorn, uvicorn,
/// waitress-serve) is linked as installed, so its own <c>#!</c> line picks its interpreter.
/// </summary>
internal sealed class LinuxHostPath : IDisposable
{
    // What startup.sh itself runs besides the proxy.
    private static readonly string[] ScriptTools = ["/usr/bin/dirname", "/usr/bin/chmod"];

    private LinuxHostPath(string folder) => Folder = folder;

    /// <summary>The folder to give as the host's whole PATH.</summary>
    public string Folder { get; }

    /// <summary>Links <c>python</c> to <paramref name="python"/>, and the script's tools and <paramref name="programs"/> by their names.</summary>
    public static LinuxHostPath Create(PythonEnvironment python, params IEnumerable<string> programs)
    {
        var path = new LinuxHostPath(Directory.CreateTempSubdirectory("ptvsd-host-bin-").FullName);
        File.CreateSymbolicLink(Path.Combine(path.Folder, "python"), python.Path);
        foreach (var program in ScriptTools.Concat(programs))
        {
            File.CreateSymbolicLink(Path.Combine(path.Folder, Path.GetFileName(program)), program);
        }

        return path;
    }

    /// <summary>
    /// <c>sh ptvsd/startup.sh</c> in <paramref name="site"/>, App Service Linux's startup command for a Debug publish, with
    /// this PATH and no <c>DOTNET_ROOT</c>, so only the self-contained proxy can run.
    /// </summary>
    public ManagedProcessStartInfo StartupScript(string site, Action<string> output)
    {
        var start = new ManagedProcessStartInfo("/bin/sh", "ptvsd/startup.sh") { Name = "site", WorkingDirectory = site, Output = output };
        start.Environment["PATH"] = Folder;
        start.Environment["DOTNET_ROOT"] = null;
        return start;
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
