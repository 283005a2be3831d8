using System.Text;
using System.Xml.Linq;
using Ptvsd.Build.Tasks.Tests.Support;

namespace Ptvsd.Build.Tasks.Tests;

/// <summary>Who owns web.debug.config, and what a Debug publish does with it in each case.</summary>
public sealed class PrepareDebugTransformTests : IDisposable
{
    private const string ProxyDisabled = "PTVSD1001";

    private readonly ProjectFolder _project = new();

    public void Dispose() => _project.Dispose();

    [Fact]
    public void Without_a_file_it_writes_one_with_the_marker_and_the_secret_it_returns()
    {
        var run = _project.Prepare();

        Assert.True(run.Succeeded);
        Assert.True(run.Task.ProxyEnabled);
        Assert.Equal(SecretGenerator.Length, run.Task.Secret.Length);
        Assert.True(DebugTransformFile.HasMarkerAtTop(_project.Read(ProjectFolder.TransformFileName)));
        AssertWrittenSecretIs(run.Task.Secret);
        Assert.Empty(run.Log.Warnings);
    }

    [Fact]
    public void A_generated_file_is_rewritten_with_a_new_secret_on_every_run()
    {
        var first = _project.Prepare().Task.Secret;

        var second = _project.Prepare();

        Assert.NotEqual(first, second.Task.Secret);
        AssertWrittenSecretIs(second.Task.Secret);
    }

    [Fact]
    public void A_deleted_file_is_written_again()
    {
        var first = _project.Prepare().Task.Secret;
        File.Delete(_project.TransformFile);

        var second = _project.Prepare();

        Assert.True(second.Succeeded);
        Assert.NotEqual(first, second.Task.Secret);
        Assert.True(DebugTransformFile.HasMarkerAtTop(_project.Read(ProjectFolder.TransformFileName)));
        AssertWrittenSecretIs(second.Task.Secret);
    }

    [Fact]
    public void A_user_owned_file_is_left_byte_for_byte_and_its_secret_and_app_command_are_used()
    {
        const string userSecret = "my-own-secret-of-24-chars";
        TakeOver(root =>
        {
            SetSecret(root, userSecret);
            ProxyPlatform(root).SetAttributeValue("arguments", ProxyLaunch.IisArguments("gunicorn app:app"));
        });
        var before = _project.ReadBytes(ProjectFolder.TransformFileName);

        var run = _project.Prepare();

        Assert.True(run.Succeeded);
        Assert.Equal(before, _project.ReadBytes(ProjectFolder.TransformFileName));
        Assert.True(run.Task.ProxyEnabled);
        Assert.Equal(userSecret, run.Task.Secret);
        Assert.Equal("gunicorn app:app", run.Task.ResolvedAppCommand);
        Assert.Empty(run.Log.Warnings);
    }

    public static TheoryData<string, Action<XElement>> BrokenUserFiles => new()
    {
        { "no secret", root => root.Elements("appSettings").Remove() },
        { "an empty secret", root => SetSecret(root, "") },
        { "a secret of 15 characters", root => SetSecret(root, new string('a', PrepareDebugTransform.MinimumSecretLength - 1)) },
        { "no proxy command", root => ProxyPlatform(root).SetAttributeValue("arguments", "app.py") },
        { "no httpPlatform at all", root => root.Descendants("httpPlatform").Remove() },
    };

    [Theory]
    [MemberData(nameof(BrokenUserFiles))]
    public void A_user_owned_file_that_cannot_start_the_proxy_is_warned_about_and_disables_it(string with, Action<XElement> edit)
    {
        TakeOver(edit);
        var before = _project.ReadBytes(ProjectFolder.TransformFileName);

        var run = _project.Prepare();

        Assert.True(run.Succeeded, with);
        Assert.False(run.Task.ProxyEnabled);
        Assert.Equal("", run.Task.Secret);
        var warning = Assert.Single(run.Log.Warnings);
        Assert.Equal(ProxyDisabled, warning.Code);
        Assert.Equal(_project.TransformFile, warning.File);
        Assert.Equal(before, _project.ReadBytes(ProjectFolder.TransformFileName));
    }

    [Fact]
    public void A_user_owned_secret_of_exactly_the_minimum_length_is_accepted()
    {
        var secret = new string('a', PrepareDebugTransform.MinimumSecretLength);
        TakeOver(root => SetSecret(root, secret));

        var run = _project.Prepare();

        Assert.True(run.Task.ProxyEnabled);
        Assert.Equal(secret, run.Task.Secret);
    }

    [Fact]
    public void A_malformed_user_owned_file_is_an_error_at_its_line_and_is_left_alone()
    {
        var malformed = string.Join('\n',
            """<?xml version="1.0" encoding="utf-8"?>""",
            "<configuration>",
            "  <appSettings>",
            """    <add key="WSGI_PTVSD_SECRET" value="abcdefghijklmnopqrstuvwxyz" />""",
            "  </appSetings>",
            "</configuration>");
        _project.Write(ProjectFolder.TransformFileName, malformed);

        AssertFailsWithError(("PTVSD1101", _project.TransformFile, 5));
        Assert.Equal(malformed, _project.Read(ProjectFolder.TransformFileName));
    }

    [Fact]
    public void A_malformed_web_config_is_an_error_at_its_line_and_no_transform_is_written()
    {
        _project.Write(ProjectFolder.WebConfigFileName, "<configuration>\n  <system.webServer>\n    <handlers>\n  </system.webServer>\n</configuration>\n");

        AssertFailsWithError(("PTVSD1102", _project.WebConfigFile, 4));
        Assert.False(File.Exists(_project.TransformFile));
    }

    [Fact]
    public void A_generated_file_that_got_mangled_is_still_rewritten()
    {
        var generated = Generate();
        _project.Write(ProjectFolder.TransformFileName, generated[..(generated.Length / 2)]);

        var run = _project.Prepare();

        Assert.True(run.Succeeded);
        AssertWrittenSecretIs(run.Task.Secret);
    }

    [Fact]
    public void A_generated_file_saved_with_a_byte_order_mark_is_still_rewritten()
    {
        var generated = Generate();
        File.WriteAllText(_project.TransformFile, generated, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        var run = _project.Prepare();

        Assert.Empty(run.Log.Warnings);
        Assert.DoesNotContain(TransformText.Secrets(generated)[0], _project.Read(ProjectFolder.TransformFileName));
        AssertWrittenSecretIs(run.Task.Secret);
    }

    [Fact]
    public void A_file_whose_first_comment_is_the_users_own_is_the_users_even_with_the_marker_further_down()
    {
        var generated = Generate();
        var declarationEnd = generated.IndexOf("?>", StringComparison.Ordinal) + 2;
        _project.Write(ProjectFolder.TransformFileName, generated.Insert(declarationEnd, "\n<!-- Our team's debug settings. -->"));
        var before = _project.ReadBytes(ProjectFolder.TransformFileName);

        var run = _project.Prepare();

        Assert.Equal(before, _project.ReadBytes(ProjectFolder.TransformFileName));
        Assert.Equal(TransformText.Secrets(generated)[0], run.Task.Secret);
    }

    [Theory]
    [InlineData("<!-- {marker} -->\n<configuration />")]
    [InlineData("\uFEFF<!-- {marker} -->\n<configuration />")]
    [InlineData("<?xml version=\"1.0\" encoding=\"utf-8\"?><!--{marker}--><configuration />")]
    [InlineData("\uFEFF  \r\n<?xml version=\"1.0\"?>\r\n\t \r\n<!--\n  {marker} on every Debug publish.\n-->\n<configuration />")]
    [InlineData("<!-- {marker}")]
    public void The_marker_counts_in_the_first_comment_after_a_BOM_declaration_and_whitespace(string text)
    {
        Assert.True(DebugTransformFile.HasMarkerAtTop(WithMarker(text)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("<configuration />")]
    [InlineData("<!-- a note -->\n<!-- {marker} -->\n<configuration />")]
    [InlineData("<configuration>\n<!-- {marker} -->\n</configuration>")]
    [InlineData("<?xml version=\"1.0\"?>\n<configuration /><!-- {marker} -->")]
    [InlineData("<!-- generated by ptvsd.azure.sdk -->\n<configuration />")]
    [InlineData("<?xml version=\"1.0\" <!-- {marker} -->")]
    public void The_marker_does_not_count_anywhere_else(string text)
    {
        Assert.False(DebugTransformFile.HasMarkerAtTop(WithMarker(text)));
    }

    [Fact]
    public void The_app_command_comes_from_the_property_then_web_config_then_the_default()
    {
        Assert.Equal("python app.py", _project.Prepare().Task.ResolvedAppCommand);

        _project.Write(ProjectFolder.WebConfigFileName, """
            <configuration><system.webServer><httpPlatform processPath="python" arguments="-m app --port %HTTP_PLATFORM_PORT%" /></system.webServer></configuration>
            """);
        Assert.Equal("python -m app --port {port}", _project.Prepare().Task.ResolvedAppCommand);

        Assert.Equal("gunicorn app:app", _project.Prepare(appCommand: " gunicorn app:app ").Task.ResolvedAppCommand);
    }

    [Theory]
    [InlineData("gunicorn --bind=0.0.0.0:$PORT app:app", "gunicorn --bind=0.0.0.0:{port} app:app")]
    [InlineData("gunicorn --bind=0.0.0.0:${PORT} app:app", "gunicorn --bind=0.0.0.0:{port} app:app")]
    [InlineData("python -m flask run --port %HTTP_PLATFORM_PORT%", "python -m flask run --port {port}")]
    public void The_platform_port_in_an_app_command_of_the_project_means_the_apps_internal_port(string appCommand, string resolved) =>
        Assert.Equal(resolved, _project.Prepare(appCommand: appCommand).Task.ResolvedAppCommand);

    private static string WithMarker(string text) => text.Replace("{marker}", DebugTransformDocument.Marker, StringComparison.Ordinal);

    private static void SetSecret(XElement root, string secret)
    {
        foreach (var add in root.Elements("appSettings").Elements("add"))
        {
            add.SetAttributeValue("value", secret);
        }
    }

    // The transform's httpPlatform that sets the attributes (the one before it only makes sure the element exists).
    private static XElement ProxyPlatform(XElement root) => root.Descendants("httpPlatform").Single(platform => platform.Attribute("arguments") is not null);

    // A generated transform sets the secret twice: once to insert the setting, once to overwrite an existing one.
    private void AssertWrittenSecretIs(string secret) =>
        Assert.Equal([secret, secret], TransformText.Secrets(_project.Read(ProjectFolder.TransformFileName)));

    private void AssertFailsWithError((string? Code, string? File, int Line) expected)
    {
        var run = _project.Prepare();

        Assert.False(run.Succeeded);
        var error = Assert.Single(run.Log.Errors);
        Assert.Equal(expected, (error.Code, error.File, error.Line));
    }

    /// <summary>Lets the task write web.debug.config and returns its text.</summary>
    private string Generate()
    {
        Assert.True(_project.Prepare().Succeeded);
        return _project.Read(ProjectFolder.TransformFileName);
    }

    /// <summary>Takes a generated web.debug.config over as its user and edits it.</summary>
    private void TakeOver(Action<XElement> edit) =>
        _project.Write(ProjectFolder.TransformFileName, TransformText.TakenOver(Generate(), edit));
}
