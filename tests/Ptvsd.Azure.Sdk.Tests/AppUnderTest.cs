using System.Globalization;

namespace Ptvsd.Azure.Sdk.Tests;

/// <summary>
/// A framework case's project, published and started as a user does it: the project beside a host PATH without .NET,
/// and the site folder its Debug publish goes to, with the attach URI pointing at the port the site will listen on.
/// </summary>
internal sealed class AppUnderTest : IDisposable
{
    // Environment variables gunicorn reads; only a case's own app settings may set them, not the test runner's environment.
    private static readonly string[] GunicornSettings = ["GUNICORN_CMD_ARGS", "WEB_CONCURRENCY"];

    private readonly ITestOutputHelper _output;
    private readonly LinuxHostPath _hostPath;
    private readonly string _root;
    private readonly int _port = FreePort.Get();

    private AppUnderTest(FrameworkCase framework, PythonWebProject project, LinuxHostPath hostPath, ITestOutputHelper output)
    {
        Framework = framework;
        Project = project;
        _hostPath = hostPath;
        _output = output;
        _root = Directory.CreateTempSubdirectory("ptvsd-matrix-").FullName;
        Site = Path.Combine(_root, "site");
    }

    public FrameworkCase Framework { get; }

    public PythonWebProject Project { get; }

    /// <summary>The Debug publish folder, which the site runs from.</summary>
    public string Site { get; }

    /// <summary>Checks the case's prerequisites (failing with the Debian package to install), then writes the app and its project file.</summary>
    public static async Task<AppUnderTest> CreateAsync(SdkFeed feed, FrameworkCase framework, ITestOutputHelper output, CancellationToken cancellationToken)
    {
        var python = PythonEnvironment.Require();
        var programs = await framework.RequirePrerequisitesAsync(python, cancellationToken);
        var project = PythonWebProject.CreateEmpty(feed, output);
        try
        {
            await framework.WriteAppAsync(project.Folder, python, output.WriteLine, cancellationToken);
            project.WriteProjectFile(withSdk: true, framework.ProjectBody);
            return new AppUnderTest(framework, project, LinuxHostPath.Create(python, programs), output);
        }
        catch
        {
            project.Dispose();
            throw;
        }
    }

    /// <summary>A path in the site, from one relative to the site root.</summary>
    public string SitePath(string relativePath) => Path.Combine(Site, relativePath);

    /// <summary>
    /// <c>dotnet publish -c Debug</c> into <see cref="Site"/>, as for a site on this machine (<c>PtvsdSiteUrl</c>); checks
    /// that it succeeded, that the published web.config verifies the printed secret, and the app command startup.sh runs.
    /// </summary>
    public async Task<PublishResult> PublishDebugAsync(CancellationToken cancellationToken)
    {
        var publish = await Project.PublishToAsync(
            Site, "Debug", cancellationToken, string.Create(CultureInfo.InvariantCulture, $"-p:PtvsdSiteUrl=http://127.0.0.1:{_port}"));
        publish.AssertSucceeded();
        Assert.NotNull(publish.AttachUri);
        publish.AssertCarriesVerifierOf(publish.SecretInAttachUri!);
        Assert.Matches(Framework.ExpectedAppCommand, StartupScriptAppCommand());
        return publish;
    }

    /// <summary>Starts the site with <c>sh ptvsd/startup.sh</c>, the case's app settings in its environment; returns once the app answers.</summary>
    public Task<RunningSite> StartAsync(CancellationToken cancellationToken)
    {
        var start = _hostPath.StartupScript(Site, _output.WriteLine);
        foreach (var setting in GunicornSettings)
        {
            start.Environment[setting] = null;
        }

        foreach (var (name, value) in Framework.AppSettings)
        {
            start.Environment[name] = value;
        }

        return RunningSite.StartAsync(start, _port, cancellationToken);
    }

    /// <summary>
    /// A Release publish of the project, from nothing, is byte for byte what the same project publishes without the SDK
    /// (as ReleasePublishTests asserts for FlaskHello), with the Debug publish's web.debug.config still beside it.
    /// </summary>
    public async Task AssertReleaseLeavesNoTraceAsync(CancellationToken cancellationToken)
    {
        Project.Clean();
        var withSdk = await Project.PublishToAsync(Path.Combine(_root, "release"), "Release", cancellationToken);
        withSdk.AssertSucceeded();
        Assert.True(File.Exists(Project.TransformFile), "the Debug publish should have left web.debug.config beside the project");

        Project.Clean();
        Project.WriteProjectFile(withSdk: false, Framework.ProjectBody);
        var withoutSdk = await Project.PublishToAsync(Path.Combine(_root, "release-without-sdk"), "Release", cancellationToken);
        withoutSdk.AssertSucceeded();

        Assert.DoesNotContain("Ptvsd attach URI", withSdk.Log);
        Assert.Equal(withoutSdk.Fingerprint(), withSdk.Fingerprint());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
            _hostPath.Dispose();
        }
        finally
        {
            Project.Dispose();
        }
    }

    /// <summary>The app command in the published startup.sh: what follows the proxy's <c>--</c> on its <c>exec</c> line.</summary>
    private string StartupScriptAppCommand()
    {
        var script = File.ReadAllLines(SitePath("ptvsd/startup.sh"));
        var exec = script.SingleOrDefault(line => line.StartsWith("exec ", StringComparison.Ordinal))
            ?? throw new InvalidDataException($"startup.sh has no exec line:\n{string.Join('\n', script)}");
        var separator = exec.IndexOf(" -- ", StringComparison.Ordinal);
        return separator < 0 ? "" : exec[(separator + " -- ".Length)..];
    }
}
