using System.Xml.Linq;
using System.Xml.XPath;
using Ptvsd.Build.Tasks.Tests.Support;
using Ptvsd.Contract;
using Ptvsd.Testing;

namespace Ptvsd.Build.Tasks.Tests;

/// <summary>
/// The published web.config for several shapes of the project's own web.config: the generated web.debug.config
/// applied by the .NET SDK's real XDT engine.
/// </summary>
public sealed class TransformOutputTests
{
    private const string NoWebConfig = "none";
    private const string Sample = "sample";
    private const string AlreadyTransformed = "already-transformed";
    private const string HandlersSettingsRewrite = "handlers-appsettings-rewrite";
    private const string WebSocketsOff = "websockets-off";
    private const string FastCgi = "fastcgi";
    private const string ProxyArguments = @"ptvsd\Ptvsd.WebSocketProxy.dll -- ";

    /// <summary>Shapes whose app goes behind the proxy, and the app command it ends up with.</summary>
    public static TheoryData<string, string> ProxiedShapes => new()
    {
        { NoWebConfig, "python app.py" },
        { "minimal", "python app.py" },
        { Sample, "python app.py" },
        { HandlersSettingsRewrite, @"D:\home\python3111x64\python.exe app.py" },
        { AlreadyTransformed, "python app.py" },
        { "platform-port", "python -m flask --app app run --port {port}" },
        { WebSocketsOff, "python app.py" },
    };

    /// <summary>Every shape, and the one warning it gets (empty for none).</summary>
    private static readonly (string Shape, string Warning)[] Shapes =
    [
        (NoWebConfig, ""),
        ("minimal", ""),
        (Sample, ""),
        (HandlersSettingsRewrite, ""),
        (AlreadyTransformed, ""),
        ("platform-port", ""),
        (WebSocketsOff, "PTVSD1004"),
        (FastCgi, "PTVSD1005"),
    ];

    public static TheoryData<string> AllShapes => new(Shapes.Select(s => s.Shape));

    public static TheoryData<string, string> AllShapesAndTheirWarning
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var (shape, warning) in Shapes)
            {
                data.Add(shape, warning);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(ProxiedShapes))]
    public void The_proxy_fronts_the_app_with_the_new_secret_and_the_users_elements_stay(string shape, string appCommand)
    {
        using var publish = DebugPublish.Of(Shape(shape));
        var webServer = Assert.Single(publish.Output.Root!.Elements("system.webServer"));

        AssertVerifierIsSetOnce(publish);
        var platform = Assert.Single(webServer.Elements("httpPlatform"));
        Assert.Equal("dotnet", (string?)platform.Attribute("processPath"));
        Assert.Equal(ProxyArguments + appCommand, (string?)platform.Attribute("arguments"));
        Assert.Equal("720:00:00", (string?)platform.Attribute("requestTimeout"));
        var handler = Assert.Single(PlatformHandlers(publish.Output));
        Assert.Equal(PlatformHandlers(publish.Input).Select(h => (string?)h.Attribute("name")).SingleOrDefault() ?? "PtvsdHttpPlatformHandler", (string?)handler.Attribute("name"));
        AssertWebSocketsOn(webServer);
        AssertKeepsUserElements(publish);
    }

    [Theory]
    [MemberData(nameof(AllShapes))]
    public void Applying_the_transform_twice_gives_the_same_bytes_as_applying_it_once(string shape)
    {
        using var publish = DebugPublish.Of(Shape(shape));

        var (once, twice) = publish.ApplyAgain();

        Assert.Equal(once, twice);
    }

    [Theory]
    [MemberData(nameof(AllShapesAndTheirWarning))]
    public void Only_a_site_with_websockets_off_or_on_fastcgi_gets_a_warning(string shape, string warning)
    {
        using var publish = DebugPublish.Of(Shape(shape));

        Assert.Equal(warning, string.Join(",", publish.Run.Log.Warnings.Select(w => w.Code)));
        Assert.All(publish.Run.Log.Warnings, w => Assert.Equal(publish.WebConfigFile, w.File));
    }

    [Fact]
    public void A_plain_secret_already_in_web_config_is_removed_and_rewrite_rules_survive_unchanged()
    {
        using var publish = DebugPublish.Of(Shape(HandlersSettingsRewrite));

        Assert.DoesNotContain("an-old-secret-from-an-earlier-setup", publish.OutputText);
        Assert.Equal(
            ["PYTHONPATH", "FEATURE_FLAGS", "WSGI_PTVSD_SECRET_VERIFIER"],
            publish.Output.Root!.Elements("appSettings").Elements("add").Select(add => (string?)add.Attribute("key")));
        Assert.True(XNode.DeepEquals(Rewrite(publish.Input), Rewrite(publish.Output)));
        Assert.Equal(3, publish.Output.Descendants("handlers").Single().Elements().Count());
    }

    [Fact]
    public void An_already_transformed_web_config_gets_the_new_secrets_verifier_and_is_not_wrapped_twice()
    {
        var transformed = Shape(AlreadyTransformed)!;
        using var publish = DebugPublish.Of(transformed);

        var verifier = Assert.Single(TransformText.Verifiers(publish.OutputText));
        Assert.NotEqual(TransformText.Verifiers(transformed).Single(), verifier);
        Assert.True(TransformText.Verifies(verifier, publish.Secret));
        Assert.Equal("python app.py", publish.Run.Task.ResolvedAppCommand);
    }

    [Fact]
    public void The_published_web_config_holds_a_verifier_of_the_secret_and_never_the_secret()
    {
        using var publish = DebugPublish.Of(Shape(Sample));

        Assert.Equal([publish.Secret], TransformText.Secrets(publish.Transform).Distinct());
        Assert.DoesNotContain(publish.Secret, publish.PublishTransform);
        Assert.DoesNotContain(publish.Secret, publish.OutputText);
        Assert.Empty(TransformText.Secrets(publish.OutputText));
        Assert.True(TransformText.Verifies(Assert.Single(TransformText.Verifiers(publish.OutputText)), publish.Secret));
        Assert.False(TransformText.Verifies(TransformText.Verifiers(publish.OutputText).Single(), publish.Secret + "x"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(Sample)]
    public void The_project_s_session_cap_is_published_as_the_proxy_s_app_setting_once_and_idempotently(string? shape)
    {
        using var publish = DebugPublish.Of(shape is null ? null : Shape(shape), maxDebugSessions: " 300 ");

        Assert.Equal(["300"], TransformText.Settings(publish.OutputText, SiteSettings.MaxDebugSessions));
        var (once, twice) = publish.ApplyAgain();
        Assert.Equal(once, twice);
    }

    [Fact]
    public void Without_a_session_cap_none_is_published_and_the_proxy_keeps_its_default()
    {
        using var publish = DebugPublish.Of(Shape(Sample));

        Assert.Empty(TransformText.Settings(publish.OutputText, SiteSettings.MaxDebugSessions));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("many")]
    [InlineData("10001")]
    [InlineData("1e3")]
    public void A_session_cap_that_is_no_count_fails_the_publish_with_the_fix(string value)
    {
        using var project = new ProjectFolder();
        Assert.True(project.Prepare().Succeeded);
        var output = project.File("web.publish-transform.config");

        var run = FakeBuildEngine.Run(new WritePublishTransform { TransformFile = project.TransformFile, OutputFile = output, MaxDebugSessions = value });

        Assert.False(run.Succeeded);
        var error = Assert.Single(run.Log.Errors);
        Assert.Equal("PTVSD1109", error.Code);
        Assert.Contains($"PtvsdMaxDebugSessions '{value}' is not a whole number from 1 to 10000", error.Message);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void A_fastcgi_site_gets_the_secret_and_websockets_but_its_routing_is_untouched()
    {
        using var publish = DebugPublish.Of(Shape(FastCgi));
        var webServer = Assert.Single(publish.Output.Root!.Elements("system.webServer"));

        AssertVerifierIsSetOnce(publish);
        AssertWebSocketsOn(webServer);
        Assert.Empty(webServer.Elements("httpPlatform"));
        Assert.True(XNode.DeepEquals(publish.Input.Descendants("handlers").Single(), webServer.Element("handlers")));
        AssertKeepsUserElements(publish);
    }

    private static string? Shape(string name) => name switch
    {
        NoWebConfig => null,
        Sample => File.ReadAllText(Path.Combine(RepoPaths.Sample("FlaskHello"), ProjectFolder.WebConfigFileName)),
        AlreadyTransformed => PublishedOf(Shape(Sample)),
        _ => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "webconfigs", name + ".config")),
    };

    private static string PublishedOf(string? webConfig)
    {
        using var publish = DebugPublish.Of(webConfig);
        return publish.OutputText;
    }

    private static void AssertVerifierIsSetOnce(DebugPublish publish)
    {
        Assert.True(TransformText.Verifies(Assert.Single(TransformText.Verifiers(publish.OutputText)), publish.Secret));
        Assert.Empty(TransformText.Secrets(publish.OutputText));
        Assert.DoesNotContain(publish.Secret, publish.OutputText);
        Assert.DoesNotContain("XML-Document-Transform", publish.OutputText);
    }

    private static void AssertWebSocketsOn(XElement webServer) =>
        Assert.Equal("true", (string?)Assert.Single(webServer.Elements("webSocket")).Attribute("enabled"));

    private static IEnumerable<XElement> PlatformHandlers(XDocument webConfig) =>
        webConfig.Descendants("handlers").Elements("add").Where(add => (string?)add.Attribute("modules") == "httpPlatformHandler");

    private static XElement? Rewrite(XDocument webConfig) => webConfig.Root!.Element("system.webServer")?.Element("rewrite");

    /// <summary>
    /// Every element of the input is still at its place in the output (XDT appends what it inserts, so an
    /// element's index among same-named siblings stays), with every attribute the transform does not own unchanged.
    /// </summary>
    private static void AssertKeepsUserElements(DebugPublish publish)
    {
        // A plain secret is the one element the publish takes out.
        foreach (var element in publish.Input.Descendants().Where(e => !IsPlainSecret(e)))
        {
            var path = PathOf(element);
            var kept = publish.Output.XPathSelectElement(path);
            Assert.True(kept is not null, $"{path} is missing from the output.");
            foreach (var attribute in element.Attributes().Where(a => !IsSetByTransform(element, a.Name.LocalName)))
            {
                Assert.Equal((path, attribute.Name.LocalName, attribute.Value), (path, attribute.Name.LocalName, (string?)kept.Attribute(attribute.Name)));
            }
        }
    }

    // Counted without the plain secrets, which the output no longer has.
    private static string PathOf(XElement element) =>
        string.Concat(element.AncestorsAndSelf().Reverse().Select(e => $"/{e.Name.LocalName}[{e.ElementsBeforeSelf(e.Name).Count(sibling => !IsPlainSecret(sibling)) + 1}]"));

    private static bool IsSetByTransform(XElement element, string attribute) => (element.Name.LocalName, attribute) switch
    {
        ("httpPlatform", "processPath" or "arguments" or "requestTimeout") => true,
        ("webSocket", "enabled") => true,
        ("add", "value") => (string?)element.Attribute("key") == SiteSettings.SecretVerifier,
        _ => false,
    };

    private static bool IsPlainSecret(XElement element) =>
        element.Name.LocalName == "add" && (string?)element.Attribute("key") == SiteSettings.Secret;
}
