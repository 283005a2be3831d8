using Ptvsd.Build.Tasks.Tests.Support;
using Ptvsd.Contract;

namespace Ptvsd.Build.Tasks.Tests;

/// <summary>Where the attach URI points, and which setting decides it.</summary>
public sealed class ResolveAttachUriTests
{
    private const string Secret = "abcdefghijklmnopqrstuvwxyz234567";

    [Theory]
    [InlineData("https://from-url.example.com", "from-name", "https://from-profile-url.example.com", "from-profile-name", "wss://{s}@from-url.example.com/ptvsd")]
    [InlineData("", "from-name", "https://from-profile-url.example.com", "from-profile-name", "wss://{s}@from-name.azurewebsites.net/ptvsd")]
    [InlineData(" ", "", "https://from-profile-url.example.com", "from-profile-name", "wss://{s}@from-profile-url.example.com/ptvsd")]
    [InlineData("", " ", "", "from-profile-name", "wss://{s}@from-profile-name.azurewebsites.net/ptvsd")]
    [InlineData("", "", "", "", "wss://{s}@flask-hello-2.azurewebsites.net/ptvsd")]
    public void The_site_url_wins_over_the_site_name_then_the_profile_url_profile_name_and_project_name(
        string siteUrl, string siteName, string profileSiteUrl, string profileSiteName, string expected)
    {
        var run = Resolve(siteUrl, siteName, profileSiteUrl, profileSiteName, projectName: "Flask_Hello 2");

        Assert.True(run.Succeeded);
        Assert.Equal(WithSecret(expected), run.Task.AttachUri);
    }

    [Theory]
    [InlineData("https://myapp.azurewebsites.net", "wss://{s}@myapp.azurewebsites.net/ptvsd")]
    [InlineData("http://localhost:8080", "ws://{s}@localhost:8080/ptvsd")]
    [InlineData("https://debug.example.com:8443/", "wss://{s}@debug.example.com:8443/ptvsd")]
    [InlineData("https://example.com:443", "wss://{s}@example.com/ptvsd")]
    [InlineData("https://example.com/?page=1#top", "wss://{s}@example.com/ptvsd")]
    [InlineData("http://127.0.0.1:5000", "ws://{s}@127.0.0.1:5000/ptvsd")]
    [InlineData("wss://example.com", "wss://{s}@example.com/ptvsd")]
    [InlineData("http://[::1]:8080", "ws://{s}@[::1]:8080/ptvsd")]
    [InlineData("HTTPS://Example.COM", "wss://{s}@example.com/ptvsd")]
    public void A_site_url_keeps_its_host_and_port_with_the_websocket_scheme_and_the_client_reads_it_back(string siteUrl, string expected)
    {
        var attachUri = Resolve(siteUrl: siteUrl).Task.AttachUri;

        Assert.Equal(WithSecret(expected), attachUri);
        Assert.True(AttachUriParser.TryParse(attachUri, out var parsed, out var problem), problem);
        Assert.Equal("Bearer " + Secret, parsed.Authorization);
        Assert.Equal(expected.Replace("{s}@", ""), parsed.WebSocketUri.AbsoluteUri);
    }

    [Theory]
    [InlineData("https://example.com/app", "/app")]
    [InlineData("https://example.com/app/?page=1#top", "/app/")]
    [InlineData("https://example.com/my%20app", "/my%20app")]
    public void A_site_url_with_a_path_base_is_refused_because_the_proxy_answers_at_the_root_only(string siteUrl, string path)
    {
        var run = Resolve(siteUrl: siteUrl);

        Assert.False(run.Succeeded);
        var error = Assert.Single(run.Log.Errors);
        Assert.Equal("PTVSD1108", error.Code);
        Assert.Contains($"has the path '{path}'", error.Message);
        Assert.Equal("", run.Task.AttachUri);
    }

    [Fact]
    public void A_publish_profile_s_launch_url_gives_only_its_host_since_its_path_names_a_page()
    {
        Assert.Equal(WithSecret("wss://{s}@myapp.azurewebsites.net/ptvsd"), Resolve(profileSiteUrl: "https://myapp.azurewebsites.net/index.html").Task.AttachUri);
    }

    [Fact]
    public void A_secret_with_characters_a_uri_reserves_is_escaped_and_read_back_whole()
    {
        const string secret = "my own/secret:with@signs+more";
        var run = FakeBuildEngine.Run(new ResolveAttachUri { Secret = secret, SiteUrl = "https://example.com", ProjectName = "p" });

        Assert.True(run.Succeeded);
        Assert.Equal("wss://my%20own%2Fsecret%3Awith%40signs%2Bmore@example.com/ptvsd", run.Task.AttachUri);
        Assert.True(AttachUriParser.TryParse(run.Task.AttachUri, out var parsed, out _));
        Assert.Equal("Bearer " + secret, parsed.Authorization);
    }

    [Theory]
    [InlineData("MyApp", "wss://{s}@myapp.azurewebsites.net/ptvsd")]
    [InlineData("debug.example.com", "wss://{s}@debug.example.com/ptvsd")]
    public void A_site_name_is_an_app_service_name_unless_it_has_a_dot(string siteName, string expected)
    {
        Assert.Equal(WithSecret(expected), Resolve(siteName: siteName).Task.AttachUri);
    }

    [Theory]
    [InlineData("FlaskHello", "flaskhello")]
    [InlineData("Flask_Hello.Web", "flask-hello-web")]
    [InlineData("__init__", "init")]
    [InlineData("日本", "site")]
    public void The_project_name_becomes_a_lower_case_host_label(string projectName, string label)
    {
        Assert.Equal(WithSecret($"wss://{{s}}@{label}.azurewebsites.net/ptvsd"), Resolve(projectName: projectName).Task.AttachUri);
    }

    [Theory]
    [InlineData("myapp.azurewebsites.net")]
    [InlineData("/site/app")]
    [InlineData("ftp://example.com")]
    [InlineData("https://user:password@example.com")]
    [InlineData("https://")]
    [InlineData("not a url at all")]
    [InlineData("file:///var/www")]
    public void A_bad_site_url_is_an_error(string siteUrl)
    {
        var run = Resolve(siteUrl: siteUrl, siteName: "ignored");

        Assert.False(run.Succeeded);
        Assert.Equal("PTVSD1103", Assert.Single(run.Log.Errors).Code);
        Assert.Equal("", run.Task.AttachUri);
    }

    [Theory]
    [InlineData("my app")]
    [InlineData("my_app")]
    [InlineData("https://myapp.azurewebsites.net")]
    [InlineData("myapp:8080")]
    public void A_bad_site_name_is_an_error(string siteName)
    {
        var run = Resolve(siteName: siteName, profileSiteName: "ignored");

        Assert.False(run.Succeeded);
        Assert.Equal("PTVSD1103", Assert.Single(run.Log.Errors).Code);
        Assert.Contains("PtvsdSiteName", Assert.Single(run.Log.Errors).Message);
    }

    [Fact]
    public void A_publish_profile_site_that_is_no_host_is_passed_over_for_the_project_name() =>
        Assert.Equal(WithSecret("wss://{s}@project.azurewebsites.net/ptvsd"), Resolve(profileSiteUrl: "not a url", profileSiteName: "my app").Task.AttachUri);

    private static TaskRun<ResolveAttachUri> Resolve(
        string siteUrl = "", string siteName = "", string profileSiteUrl = "", string profileSiteName = "", string projectName = "Project") =>
        FakeBuildEngine.Run(new ResolveAttachUri
        {
            Secret = Secret,
            SiteUrl = siteUrl,
            SiteName = siteName,
            ProfileSiteUrl = profileSiteUrl,
            ProfileSiteName = profileSiteName,
            ProjectName = projectName,
        });

    private static string WithSecret(string expected) => expected.Replace("{s}", Secret, StringComparison.Ordinal);
}
