using System.Xml.Linq;

namespace Ptvsd.Build.Tasks.Tests.Support;

/// <summary>
/// The web.config half of a Debug publish, as Sdk.targets runs it: <see cref="PrepareDebugTransform"/> writes
/// web.debug.config beside a project holding the given web.config (or none), <see cref="WritePublishTransform"/> turns
/// its secret into a verifier, and the SDK's XDT engine applies that.
/// </summary>
internal sealed class DebugPublish : IDisposable
{
    /// <summary>What Sdk.targets transforms when the project has no web.config (its WriteLinesToFile lines).</summary>
    public const string EmptyWebConfig = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration>\n</configuration>\n";

    private const string PublishedName = "web.published.config";
    private const string PublishTransformName = "web.publish-transform.config";

    private readonly ProjectFolder _project = new();

    private DebugPublish(string? webConfig, string? maxDebugSessions)
    {
        var source = webConfig is null
            ? _project.Write("web.empty.config", EmptyWebConfig)
            : _project.Write(ProjectFolder.WebConfigFileName, webConfig);
        Input = XDocument.Load(source);

        Run = _project.Prepare();
        Assert.True(Run.Succeeded, string.Join(Environment.NewLine, Run.Log.Errors));
        Transform = _project.Read(ProjectFolder.TransformFileName);
        var write = FakeBuildEngine.Run(new WritePublishTransform
        {
            TransformFile = _project.TransformFile,
            OutputFile = _project.File(PublishTransformName),
            MaxDebugSessions = maxDebugSessions,
        });
        Assert.True(write.Succeeded, string.Join(Environment.NewLine, write.Log.Errors));
        PublishTransform = _project.Read(PublishTransformName);
        XdtEngine.Apply(source, PublishTransform, _project.File(PublishedName));
        OutputText = _project.Read(PublishedName);
        Output = XDocument.Parse(OutputText);
    }

    public XDocument Input { get; }

    public TaskRun<PrepareDebugTransform> Run { get; }

    public string Secret => Run.Task.Secret;

    /// <summary>The web.debug.config the task wrote.</summary>
    public string Transform { get; }

    /// <summary>What the publish applies: <see cref="Transform"/> with the secret's verifier in place of the secret.</summary>
    public string PublishTransform { get; }

    /// <summary>The published web.config.</summary>
    public string OutputText { get; }

    public XDocument Output { get; }

    public string WebConfigFile => _project.WebConfigFile;

    /// <summary>Publishes <paramref name="webConfig"/>; null stands for a project without web.config.</summary>
    public static DebugPublish Of(string? webConfig, string? maxDebugSessions = null) => new(webConfig, maxDebugSessions);

    /// <summary>The published web.config's bytes, and those of the same transform applied to it once more.</summary>
    public (byte[] Once, byte[] Twice) ApplyAgain()
    {
        const string republished = "web.republished.config";
        XdtEngine.Apply(_project.File(PublishedName), PublishTransform, _project.File(republished));
        return (_project.ReadBytes(PublishedName), _project.ReadBytes(republished));
    }

    public void Dispose() => _project.Dispose();
}
