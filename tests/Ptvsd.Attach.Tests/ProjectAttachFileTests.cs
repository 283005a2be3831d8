using Ptvsd.Attach.Target;
using Ptvsd.Contract;

namespace Ptvsd.Attach.Tests;

/// <summary><c>--project PATH</c>: the attach URI the last Debug publish wrote to obj/ptvsd/attach.json.</summary>
public sealed class ProjectAttachFileTests : IDisposable
{
    private const string Secret = "pz4xq7tmk2wa9vbn3rcd";

    private readonly string _project = Directory.CreateTempSubdirectory("ptvsd-project-").FullName;

    private string AttachFile => Path.Combine(_project, "obj", "ptvsd", "attach.json");

    [Fact]
    public void A_project_directory_gives_the_uri_of_its_last_debug_publish_and_unknown_properties_are_ignored()
    {
        WriteAttachFile($$$"""{"attachUri": "wss://{{{Secret}}}@mysite.azurewebsites.net/ptvsd", "publishedAt": "2025-01-01T00:00:00Z", "site": {"name": "mysite"}}""");

        var uri = ProjectAttachFile.Read(_project);

        Assert.Equal("wss://***@mysite.azurewebsites.net/ptvsd", uri.Display);
        Assert.Equal(AttachUriArgument.Parse($"wss://{Secret}@mysite.azurewebsites.net/ptvsd").Authorization, uri.Authorization);
    }

    [Theory]
    [InlineData("https://mysite.azurewebsites.net", "wss://***@mysite.azurewebsites.net/ptvsd")]
    [InlineData("http://[::1]:8080", "ws://***@[::1]:8080/ptvsd")]
    public void What_the_sdk_writes_with_the_contract_the_tool_reads_back_whole(string site, string display)
    {
        // The same linked contract sources the SDK's WriteAttachInfo and ResolveAttachUri run: a secret with
        // characters a URI reserves must survive both the file and the URI.
        const string secret = "a/b:c@d e+f%g\\h\"i";
        var siteUri = new Uri(site);
        var attachUri = new AttachUri(siteUri.Scheme == "https", siteUri.Host, siteUri.IsDefaultPort ? null : siteUri.Port, secret).ToStringWithSecret();
        Directory.CreateDirectory(Path.GetDirectoryName(AttachInfoFile.For(_project))!);
        File.WriteAllText(AttachInfoFile.For(_project), AttachInfoFile.Render(attachUri, "/home/site/publish/"));

        var uri = ProjectAttachFile.Read(_project);

        Assert.Equal(AttachFile, AttachInfoFile.For(_project));
        Assert.Equal(display, uri.Display);
        Assert.Equal("Bearer " + secret, uri.Authorization);
    }

    [Fact]
    public void A_project_file_is_read_from_its_directory()
    {
        var projectFile = Path.Combine(_project, "MySite.pyproj");
        File.WriteAllText(projectFile, "<Project Sdk=\"Microsoft.NET.Sdk\" />");
        WriteAttachFile($$"""{"attachUri": "ws://{{Secret}}@127.0.0.1:8080/ptvsd"}""");

        Assert.Equal("ws://***@127.0.0.1:8080/ptvsd", ProjectAttachFile.Read(projectFile).Display);
    }

    [Fact]
    public void Without_a_debug_publish_the_error_says_to_publish_first()
    {
        var error = Assert.Throws<UsageException>(() => ProjectAttachFile.Read(_project));

        Assert.Equal($"no Debug publish found for {_project}: {AttachFile} does not exist; run `dotnet publish -c Debug` first", error.Message);
    }

    [Fact]
    public void A_missing_project_is_named()
    {
        var missing = Path.Combine(_project, "nowhere");

        var error = Assert.Throws<UsageException>(() => ProjectAttachFile.Read(missing));

        Assert.Equal($"--project '{missing}': no such project file or directory", error.Message);
    }

    [Theory]
    [InlineData($$"""{"attachUri": "wss://{{Secret}}@mysite""", "is not valid JSON (line 1); run `dotnet publish -c Debug` again to rewrite it")]
    [InlineData("""{"attach": "x"}""", "has no \"attachUri\" string; run `dotnet publish -c Debug` again to rewrite it")]
    [InlineData("""{"attachUri": 42}""", "has no \"attachUri\" string; run `dotnet publish -c Debug` again to rewrite it")]
    [InlineData("""["wss://x@y/ptvsd"]""", "has no \"attachUri\" string; run `dotnet publish -c Debug` again to rewrite it")]
    public void A_damaged_file_is_named_without_quoting_its_content(string content, string problem)
    {
        WriteAttachFile(content);

        var error = Assert.Throws<UsageException>(() => ProjectAttachFile.Read(_project));

        Assert.Equal($"{AttachFile} {problem}", error.Message);
        Assert.DoesNotContain(Secret, error.Message);
    }

    [Fact]
    public void A_bad_uri_in_the_file_says_what_is_wrong_with_it()
    {
        WriteAttachFile($$"""{"attachUri": "https://{{Secret}}@mysite/ptvsd"}""");

        var error = Assert.Throws<UsageException>(() => ProjectAttachFile.Read(_project));

        Assert.Equal(
            $"the attach URI in {AttachFile} starts with https://, which is not a WebSocket scheme: use wss:// (or ws:// for a proxy without TLS); "
            + "run `dotnet publish -c Debug` again to rewrite it",
            error.Message);
    }

    public void Dispose() => Directory.Delete(_project, recursive: true);

    private void WriteAttachFile(string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(AttachFile)!);
        File.WriteAllText(AttachFile, content);
    }
}
