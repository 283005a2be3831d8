using System.Runtime.CompilerServices;
using Microsoft.Build.Evaluation;

namespace Ptvsd.Azure.Sdk.Tests;

/// <summary>
/// Evaluates projects that import the SDK's Sdk.props and Sdk.targets (from sdk/, the files the package
/// carries) in-process with MSBuild, to check property defaults and overrides without publishing.
/// </summary>
public sealed class SdkEvaluationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ptvsd-eval-").FullName;

    public SdkEvaluationTests() => MSBuildInProcess.EnsureRegistered();

    [Theory]
    [InlineData("Debug", "true")]
    [InlineData("debug", "true")]
    [InlineData("DEBUG", "true")]
    [InlineData("Release", "false")]
    [InlineData("Staging", "false")]
    public void PtvsdEnabled_defaults_to_true_exactly_for_debug_in_any_case(string configuration, string expected) =>
        Assert.Equal(expected, Property("PtvsdEnabled", configuration: configuration));

    [Theory]
    [InlineData("Release", "true")]
    [InlineData("Debug", "false")]
    public void PtvsdEnabled_set_in_the_project_wins(string configuration, string enabled) =>
        Assert.Equal(enabled, Property("PtvsdEnabled", configuration: configuration, body: $"<PropertyGroup><PtvsdEnabled>{enabled}</PtvsdEnabled></PropertyGroup>"));

    [Theory]
    [InlineData("", "", "")]
    [InlineData("linux-x64", "", "linux")]
    [InlineData("linux-musl-arm64", "", "linux")]
    [InlineData("win-x64", "", "windows")]
    [InlineData("osx-arm64", "", "")]
    [InlineData("linux-x64", "Windows", "windows")]
    [InlineData("", "LINUX", "linux")]
    public void PtvsdHostOs_follows_the_runtime_identifier_unless_set(string runtimeIdentifier, string hostOs, string expected)
    {
        var properties = new Dictionary<string, string>();
        if (runtimeIdentifier.Length > 0)
        {
            properties["RuntimeIdentifier"] = runtimeIdentifier;
        }

        if (hostOs.Length > 0)
        {
            properties["PtvsdHostOs"] = hostOs;
        }

        // The SDK's conditions compare case-insensitively, as MSBuild does; a global property keeps its spelling.
        Assert.Equal(expected, Property("PtvsdHostOs", globalProperties: properties), ignoreCase: true);
    }

    [Fact]
    public void Paths_default_to_the_project_folder_and_obj()
    {
        using var project = Evaluate();

        Assert.Equal(Path.Combine(_folder, "web.debug.config"), project.GetPropertyValue("PtvsdTransformFile"));
        Assert.Equal(Path.Combine(_folder, "web.config"), project.GetPropertyValue("PtvsdWebConfigFile"));
        Assert.Equal(Path.Combine(_folder, "requirements.txt"), project.GetPropertyValue("PtvsdRequirementsFile"));
        Assert.Equal(Path.Combine(_folder, "obj", "ptvsd", "attach.json"), project.GetPropertyValue("PtvsdAttachInfoFile"));
    }

    [Fact]
    public void Paths_set_in_the_project_win_relative_or_rooted()
    {
        var rooted = Path.Combine(Path.GetTempPath(), "elsewhere", "debug.xdt");
        using var project = Evaluate(body: $"""
            <PropertyGroup>
              <PtvsdTransformFile>{rooted}</PtvsdTransformFile>
              <PtvsdWebConfigFile>site/web.config</PtvsdWebConfigFile>
            </PropertyGroup>
            """);

        Assert.Equal(rooted, project.GetPropertyValue("PtvsdTransformFile"));
        Assert.Equal(Path.Combine(_folder, "site", "web.config"), project.GetPropertyValue("PtvsdWebConfigFile"));
    }

    [Fact]
    public void Site_name_and_url_pass_through_and_are_empty_by_default()
    {
        Assert.Equal("", Property("PtvsdSiteName"));
        Assert.Equal("", Property("PtvsdSiteUrl"));
        Assert.Equal("contoso", Property("PtvsdSiteName", body: "<PropertyGroup><PtvsdSiteName>contoso</PtvsdSiteName></PropertyGroup>"));
        Assert.Equal("contoso", Property("PtvsdSiteName", globalProperties: new() { ["PtvsdSiteName"] = "contoso" }));
    }

    [Fact]
    public void The_content_only_base_publishes_python_content_and_leaves_out_environments_and_outputs()
    {
        foreach (var file in new[] { "app.py", "pkg/views.py", "requirements.txt", "static/site.css", "templates/index.html", "web.config", "web.debug.config",
                     ".venv/lib/x.py", "venv/lib/y.py", "pkg/__pycache__/views.cpython-311.pyc", "bin/old.py", "obj/gen.py", "notes.md" })
        {
            var path = Path.Combine(_folder, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, "");
        }

        using var project = Evaluate();

        var published = project.GetItems("Content")
            .Where(item => item.GetMetadataValue("CopyToPublishDirectory") is "PreserveNewest" or "Always")
            .Select(item => item.EvaluatedInclude.Replace('\\', '/'))
            .Order(StringComparer.Ordinal);
        Assert.Equal(["app.py", "pkg/views.py", "requirements.txt", "static/site.css", "templates/index.html", "web.config"], published);
    }

    [Fact]
    public void Python_content_defaults_can_be_turned_off()
    {
        File.WriteAllText(Path.Combine(_folder, "app.py"), "");

        using var project = Evaluate(body: "<PropertyGroup><PtvsdIncludePythonContent>false</PtvsdIncludePythonContent></PropertyGroup>");

        Assert.Empty(project.GetItems("Content"));
    }

    [Fact]
    public void Python_content_defaults_are_only_for_the_content_only_base() =>
        Assert.Equal("", Property("PtvsdIncludePythonContent", baseSdk: "Microsoft.NET.Sdk.Web"));

    [Fact]
    public void The_web_sdk_never_publishes_web_debug_config()
    {
        File.WriteAllText(Path.Combine(_folder, "web.config"), "<configuration />");
        File.WriteAllText(Path.Combine(_folder, "web.debug.config"), "<configuration />");

        using var project = Evaluate(baseSdk: "Microsoft.NET.Sdk.Web");

        var transform = Assert.Single(project.GetItems("Content"), item => item.EvaluatedInclude == "web.debug.config");
        Assert.Equal("Never", transform.GetMetadataValue("CopyToPublishDirectory"));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Property(
        string name, string configuration = "Debug", string body = "", string baseSdk = "Microsoft.Build.NoTargets/3.7.0", Dictionary<string, string>? globalProperties = null)
    {
        using var project = Evaluate(configuration, body, baseSdk, globalProperties);
        return project.GetPropertyValue(name);
    }

    /// <summary>Kept apart from the constructor so that MSBuild types load only after the locator registered MSBuild.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private EvaluatedProject Evaluate(
        string configuration = "Debug", string body = "", string baseSdk = "Microsoft.Build.NoTargets/3.7.0", Dictionary<string, string>? globalProperties = null)
    {
        var sdkFolder = Path.Combine(RepoPaths.Root, "sdk", "Ptvsd.Azure.Sdk", "Sdk");
        var (sdkName, sdkVersion) = baseSdk.Split('/') is [var n, var v] ? (n, $" Version=\"{v}\"") : (baseSdk, "");
        var projectFile = Path.Combine(_folder, "PyWebApp.csproj");
        File.WriteAllText(projectFile, $"""
            <Project>
              <Import Project="Sdk.props" Sdk="{sdkName}"{sdkVersion} />
              <Import Project="{Path.Combine(sdkFolder, "Sdk.props")}" />
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
              </PropertyGroup>
              {body}
              <Import Project="Sdk.targets" Sdk="{sdkName}"{sdkVersion} />
              <Import Project="{Path.Combine(sdkFolder, "Sdk.targets")}" />
            </Project>
            """);

        var properties = new Dictionary<string, string>(globalProperties ?? []) { ["Configuration"] = configuration };
        return new EvaluatedProject(projectFile, properties);
    }

    /// <summary>An evaluated project in a collection of its own, unloaded on dispose.</summary>
    private sealed class EvaluatedProject(string projectFile, Dictionary<string, string> globalProperties) : IDisposable
    {
        private readonly ProjectCollection _collection = new(globalProperties);
        private Project? _project;

        private Project Project => _project ??= _collection.LoadProject(projectFile);

        public string GetPropertyValue(string name) => Project.GetPropertyValue(name);

        public ICollection<ProjectItem> GetItems(string itemType) => Project.GetItems(itemType);

        public void Dispose() => _collection.Dispose();
    }
}
