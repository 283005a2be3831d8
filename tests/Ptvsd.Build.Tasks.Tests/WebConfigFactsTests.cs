namespace Ptvsd.Build.Tasks.Tests;

public sealed class WebConfigFactsTests : IDisposable
{
    private readonly string _file = Path.GetTempFileName();

    [Fact]
    public void A_proxied_web_config_with_nothing_after_the_separator_names_no_app_command()
    {
        var facts = Read("""<configuration><system.webServer><httpPlatform processPath="dotnet" arguments="ptvsd\Ptvsd.WebSocketProxy.dll -- " /></system.webServer></configuration>""");

        Assert.Null(facts.AppCommand);
    }

    [Fact]
    public void A_leftover_wsgi_handler_setting_is_not_fastcgi_when_httpPlatform_runs_the_app()
    {
        var facts = Read("""
            <configuration>
              <appSettings><add key="WSGI_HANDLER" value="app.app" /></appSettings>
              <system.webServer><httpPlatform processPath="python" arguments="app.py" /></system.webServer>
            </configuration>
            """);

        Assert.False(facts.UsesFastCgi);
        Assert.Equal("python app.py", facts.AppCommand);
    }

    [Fact]
    public void A_wsgi_handler_setting_without_httpPlatform_is_fastcgi() =>
        Assert.True(Read("""<configuration><appSettings><add key="WSGI_HANDLER" value="app.app" /></appSettings></configuration>""").UsesFastCgi);

    public void Dispose() => File.Delete(_file);

    private WebConfigFacts Read(string xml)
    {
        File.WriteAllText(_file, xml);
        return WebConfigFacts.Read(_file);
    }
}
