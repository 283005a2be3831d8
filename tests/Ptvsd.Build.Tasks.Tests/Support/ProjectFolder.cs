namespace Ptvsd.Build.Tasks.Tests.Support;

/// <summary>A throw-away project folder in the temp directory, for tasks that read and write files beside a project.</summary>
internal sealed class ProjectFolder : IDisposable
{
    public const string TransformFileName = "web.debug.config";
    public const string WebConfigFileName = "web.config";

    public string Path { get; } = Directory.CreateTempSubdirectory("ptvsd-tasks-").FullName;

    public string TransformFile => File(TransformFileName);

    public string WebConfigFile => File(WebConfigFileName);

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes <paramref name="text"/> (UTF-8, no BOM) to <paramref name="name"/> and returns its path.</summary>
    public string Write(string name, string text)
    {
        var path = File(name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    public string Read(string name) => System.IO.File.ReadAllText(File(name));

    public byte[] ReadBytes(string name) => System.IO.File.ReadAllBytes(File(name));

    /// <summary>Runs <see cref="PrepareDebugTransform"/> on this folder's web.debug.config and web.config.</summary>
    public TaskRun<PrepareDebugTransform> Prepare(bool checkGitTracking = false, string? appCommand = null) =>
        FakeBuildEngine.Run(new PrepareDebugTransform
        {
            TransformFile = TransformFile,
            WebConfigFile = WebConfigFile,
            AppCommand = appCommand,
            CheckGitTracking = checkGitTracking,
        });

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
