using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Ptvsd.Contract;

namespace Ptvsd.Azure.Sdk.Tests;

/// <summary>The base SDK a test project sits on.</summary>
public enum ProjectBase
{
    /// <summary><c>Microsoft.Build.NoTargets</c>: content only; Ptvsd.Azure.Sdk adds the Python content defaults.</summary>
    NoTargets,

    /// <summary><c>Microsoft.NET.Sdk.Web</c>, which has its own web.config handling and content rules.</summary>
    Web,
}

/// <summary>A Python web app project in a temporary folder, with FlaskHello's files, published with the real CLI.</summary>
internal sealed partial class PythonWebProject : IDisposable
{
    public const string Name = "PyWebApp";

    private readonly SdkFeed _feed;
    private readonly ITestOutputHelper _output;
    private int _publishes;

    private PythonWebProject(SdkFeed feed, ITestOutputHelper output, ProjectBase projectBase)
    {
        _feed = feed;
        _output = output;
        Base = projectBase;
        // The folder is named like the project, as `dotnet new` would: the default site name comes from it.
        Folder = Directory.CreateDirectory(Path.Combine(Directory.CreateTempSubdirectory("ptvsd-project-").FullName, Name)).FullName;
    }

    public ProjectBase Base { get; }

    public string Folder { get; }

    public string ProjectFile => Path.Combine(Folder, Name + ".csproj");

    public string TransformFile => Path.Combine(Folder, "web.debug.config");

    public string WebConfigFile => Path.Combine(Folder, "web.config");

    /// <summary>Creates the project: FlaskHello's app, requirements and web.config, and a project file using the SDK.</summary>
    public static PythonWebProject Create(SdkFeed feed, ITestOutputHelper output, ProjectBase projectBase = ProjectBase.NoTargets, string body = "")
    {
        var project = CreateEmpty(feed, output, projectBase);
        foreach (var file in new[] { "app.py", "requirements.txt", "web.config" })
        {
            File.Copy(Path.Combine(RepoPaths.Sample("FlaskHello"), file), Path.Combine(project.Folder, file));
        }

        project.WriteProjectFile(withSdk: true, body);
        return project;
    }

    /// <summary>Creates a project folder holding only the test feed's nuget.config; the caller writes the app and the project file.</summary>
    public static PythonWebProject CreateEmpty(SdkFeed feed, ITestOutputHelper output, ProjectBase projectBase = ProjectBase.NoTargets)
    {
        var project = new PythonWebProject(feed, output, projectBase);
        File.WriteAllText(Path.Combine(project.Folder, "nuget.config"), feed.NuGetConfig);
        return project;
    }

    /// <summary>
    /// Writes the project file. Without the SDK, a NoTargets project lists the same Python content the SDK
    /// would have added, so that the two differ only by what the SDK does to a publish.
    /// </summary>
    public void WriteProjectFile(bool withSdk, string body = "")
    {
        var baseSdk = Base == ProjectBase.NoTargets ? "Microsoft.Build.NoTargets/3.7.0" : "Microsoft.NET.Sdk.Web";
        var sdk = withSdk ? $"""<Sdk Name="{SdkFeed.PackageId}" Version="{_feed.Version}" />""" : "";
        var content = (Base, withSdk) switch
        {
            // A '?' makes MSBuild look for the file, so the two single files are listed only when they exist, as a
            // user would list them.
            (ProjectBase.NoTargets, false) =>
                """<Content Include="**/*.py;requirements.tx?;static/**;templates/**;web.confi?" Exclude=".venv/**;venv/**;**/__pycache__/**;bin/**;obj/**;publish/**" CopyToPublishDirectory="PreserveNewest" />""",
            // The Web SDK publishes *.config itself but knows nothing of Python.
            (ProjectBase.Web, _) => """<Content Include="**/*.py;requirements.txt" Exclude="bin/**;obj/**" CopyToPublishDirectory="PreserveNewest" />""",
            _ => "",
        };
        var webProperties = Base == ProjectBase.Web ? "<OutputType>Library</OutputType>" : "";

        File.WriteAllText(ProjectFile, $"""
            <Project Sdk="{baseSdk}">
              {sdk}
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                {webProperties}
              </PropertyGroup>
              <ItemGroup>
                {content}
              </ItemGroup>
              {body}
            </Project>
            """);
    }

    /// <summary>Deletes bin/ and obj/, so the next publish starts from nothing.</summary>
    public void Clean()
    {
        foreach (var folder in new[] { "bin", "obj" })
        {
            var path = Path.Combine(Folder, folder);
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
    }

    /// <summary>
    /// A new empty folder to publish into, beside the project folder rather than in it (so no content glob sees it), and
    /// deleted with the project.
    /// </summary>
    public string NewPublishDir() =>
        Directory.CreateDirectory(Path.Combine(Path.GetDirectoryName(Folder)!, $"publish-{Interlocked.Increment(ref _publishes)}")).FullName;

    /// <summary><c>dotnet publish -c <paramref name="configuration"/> -o &lt;a new folder&gt;</c> plus <paramref name="arguments"/>.</summary>
    public Task<PublishResult> PublishAsync(string configuration, CancellationToken cancellationToken, params string[] arguments) =>
        PublishToAsync(NewPublishDir(), configuration, cancellationToken, arguments);

    /// <summary>Publishes into <paramref name="publishDir"/> (which may hold an earlier publish).</summary>
    public async Task<PublishResult> PublishToAsync(string publishDir, string configuration, CancellationToken cancellationToken, params string[] arguments)
    {
        var (exitCode, log) = await DotnetCli.RunAsync(
            _feed, Folder, ["publish", ProjectFile, "-c", configuration, "-o", publishDir, "-nologo", .. arguments], _output, cancellationToken);
        return new PublishResult(exitCode, log, publishDir);
    }

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(Folder)!, recursive: true);
}

/// <summary>What a <c>dotnet publish</c> printed and produced.</summary>
internal sealed partial record PublishResult(int ExitCode, string Log, string PublishDir)
{
    /// <summary>The URI from the "Ptvsd attach URI: " log line; null if there is none.</summary>
    public string? AttachUri => AttachUriLine().Match(Log) is { Success: true } match ? match.Groups[1].Value : null;

    /// <summary>The secret in <see cref="AttachUri"/>'s user info.</summary>
    public string? SecretInAttachUri => AttachUri is null ? null : Uri.UnescapeDataString(new Uri(AttachUri).UserInfo);

    public string PathOf(string relativePath) => Path.Combine(PublishDir, relativePath);

    /// <summary>Every file of the publish folder with the SHA-256 of its bytes, in path order: equal fingerprints, equal publishes.</summary>
    public string[] Fingerprint() =>
        [.. Directory.EnumerateFiles(PublishDir, "*", SearchOption.AllDirectories)
            .Select(file => $"{Path.GetRelativePath(PublishDir, file)} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)))}")
            .Order(StringComparer.Ordinal)];

    public void AssertSucceeded() => Assert.True(ExitCode == 0, $"dotnet publish failed with exit code {ExitCode}:\n{Log}");

    /// <summary>
    /// The publish lets the proxy check <paramref name="secret"/> without holding it: the published web.config has one
    /// verifier of it and no plain secret, and no published file holds the secret's text.
    /// </summary>
    public void AssertCarriesVerifierOf(string secret)
    {
        var webConfig = PathOf("web.config");
        var verifier = Assert.Single(Settings(webConfig, SiteSettings.SecretVerifier));
        Assert.True(
            SecretVerifier.TryParse(verifier, out var salt, out var digest, out var problem) && SecretVerifier.Digest(salt, secret).AsSpan().SequenceEqual(digest),
            $"the published {SiteSettings.SecretVerifier} does not verify the attach URI's secret: {problem ?? "digest differs"}");
        Assert.Empty(Settings(webConfig, SiteSettings.Secret));
        AssertNoPublishedFileHolds(secret);
    }

    /// <summary>Every file of the publish folder, read as bytes, is searched for the secret's UTF-8 and UTF-16 forms.</summary>
    public void AssertNoPublishedFileHolds(string secret)
    {
        byte[][] forms = [Encoding.UTF8.GetBytes(secret), Encoding.Unicode.GetBytes(secret)];
        var holders = Directory.EnumerateFiles(PublishDir, "*", SearchOption.AllDirectories)
            .Where(file => forms.Any(form => File.ReadAllBytes(file).AsSpan().IndexOf(form) >= 0))
            .Select(file => Path.GetRelativePath(PublishDir, file))
            .ToList();
        Assert.True(holders.Count == 0, $"published files hold the secret: {string.Join(", ", holders)}");
    }

    /// <summary>The values of the <paramref name="key"/> app settings in <paramref name="webConfig"/>.</summary>
    public static IReadOnlyList<string> Settings(string webConfig, string key = SiteSettings.Secret) =>
        [.. XDocument.Load(webConfig).Descendants("add")
            .Where(add => (string?)add.Attribute("key") == key)
            .Select(add => (string?)add.Attribute("value") ?? "")];

    [GeneratedRegex(@"Ptvsd attach URI: (\S+)")]
    private static partial Regex AttachUriLine();
}
