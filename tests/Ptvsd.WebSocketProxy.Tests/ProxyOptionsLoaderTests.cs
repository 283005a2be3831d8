using System.Collections;
using Ptvsd.Contract;
using Ptvsd.WebSocketProxy.Configuration;

namespace Ptvsd.WebSocketProxy.Tests;

[Trait(ProxyTarget.Trait, ProxyTarget.NoProxy)]
public sealed class ProxyOptionsLoaderTests : IDisposable
{
    private readonly string _site = Directory.CreateTempSubdirectory("ptvsd-site-").FullName;

    [Fact]
    public void Listen_address_comes_from_urls_then_http_platform_port_then_port_then_the_default()
    {
        Assert.Equal(["http://127.0.0.1:9000"], Load(["--urls", "http://127.0.0.1:9000"], ("HTTP_PLATFORM_PORT", "1234"), ("PORT", "80")).Urls);
        Assert.Equal(["http://127.0.0.1:1234"], Load([], ("HTTP_PLATFORM_PORT", "1234"), ("PORT", "80")).Urls);
        Assert.Equal(["http://0.0.0.0:80"], Load([], ("PORT", "80")).Urls);
        Assert.Equal(["http://127.0.0.1:8080"], Load([]).Urls);
    }

    [Fact]
    public void Secret_comes_from_the_environment_before_web_config()
    {
        WriteWebConfig(secret: "web-config-secret-0123456789", address: "127.0.0.1:6000");

        var fromWebConfig = Load([]);
        var fromEnvironment = Load([], (ProxyOptionsLoader.SecretVariable, "environment-secret-0123456789"));

        Assert.True(fromWebConfig.Secret!.Matches("web-config-secret-0123456789"));
        Assert.Equal("127.0.0.1:6000", fromWebConfig.DebugServer.ToString());
        Assert.True(fromEnvironment.Secret!.Matches("environment-secret-0123456789"));
        Assert.False(fromEnvironment.Secret.Matches("web-config-secret-0123456789"));
    }

    [Fact]
    public void A_published_verifier_opens_the_relay_for_its_secret_only_and_a_plain_secret_set_on_the_host_wins()
    {
        const string published = "published-secret-0123456789";
        WriteWebConfig(secret: null, address: null, verifier: SecretVerifier.Create(published));

        var fromVerifier = Load([]);
        var overriddenOnHost = Load([], (ProxyOptionsLoader.SecretVariable, "host-secret-0123456789"));
        var verifierOnHost = Load([], (ProxyOptionsLoader.SecretVerifierVariable, SecretVerifier.Create("host-secret-0123456789")));

        Assert.True(fromVerifier.Secret!.Matches(published));
        Assert.False(fromVerifier.Secret.Matches(published + "0"));
        Assert.False(fromVerifier.Secret.Matches(published[..^1]));
        Assert.True(overriddenOnHost.Secret!.Matches("host-secret-0123456789"));
        Assert.False(overriddenOnHost.Secret.Matches(published));
        Assert.True(verifierOnHost.Secret!.Matches("host-secret-0123456789"));
        Assert.Equal("***", fromVerifier.Secret.ToString());
    }

    [Theory]
    [InlineData("md5:00:00")]
    [InlineData("sha256:zz:0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("sha256:00:00")]
    [InlineData("sha256::0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("just-a-string")]
    public void A_malformed_verifier_closes_the_relay_with_a_reason_that_does_not_quote_it(string verifier)
    {
        WriteWebConfig(secret: null, address: null, verifier: verifier);

        var options = Load([]);

        Assert.Null(options.Secret);
        Assert.Contains("WSGI_PTVSD_SECRET_VERIFIER", options.RelayClosedReason);
        Assert.DoesNotContain(verifier, options.RelayClosedReason);
    }

    [Fact]
    public void Debug_server_comes_from_the_command_line_then_the_environment_then_web_config()
    {
        WriteWebConfig(secret: null, address: "127.0.0.1:6000");

        Assert.Equal("127.0.0.1:7000", Load(["--debug-server", "127.0.0.1:7000"], (ProxyOptionsLoader.DebugServerVariable, "[::1]:6500")).DebugServer.ToString());
        Assert.Equal("[::1]:6500", Load([], (ProxyOptionsLoader.DebugServerVariable, "[::1]:6500")).DebugServer.ToString());
        Assert.Equal("127.0.0.1:6000", Load([]).DebugServer.ToString());
    }

    [Fact]
    public void No_secret_anywhere_closes_the_relay_with_a_reason()
    {
        var options = Load([]);

        Assert.Null(options.Secret);
        Assert.Contains("WSGI_PTVSD_SECRET", options.RelayClosedReason);
        Assert.Equal("localhost:5678", options.DebugServer.ToString());
    }

    [Fact]
    public void Everything_after_the_double_dash_is_the_app_command()
    {
        var options = Load(["--max-sessions", "2", "--", "python3", "app.py", "--urls", "x"]);

        Assert.Equal(["python3", "app.py", "--urls", "x"], options.AppCommand);
        Assert.Equal(2, options.MaxSessions);
    }

    [Fact]
    public void The_session_cap_comes_from_the_command_line_then_the_environment_then_web_config_then_the_default()
    {
        Assert.Equal(128, Load([]).MaxSessions);

        File.WriteAllText(Path.Combine(_site, "web.config"), "<?xml version=\"1.0\"?><configuration><appSettings><add key=\"PTVSD_MAX_SESSIONS\" value=\"300\" /></appSettings></configuration>");
        Assert.Equal(300, Load([]).MaxSessions);
        Assert.Equal(40, Load([], ("PTVSD_MAX_SESSIONS", " 40 ")).MaxSessions);
        Assert.Equal(2, Load(["--max-sessions", "2"], ("PTVSD_MAX_SESSIONS", "40")).MaxSessions);
    }

    [Theory]
    [InlineData("0", "PTVSD_MAX_SESSIONS '0' is not a positive whole number")]
    [InlineData("lots", "PTVSD_MAX_SESSIONS 'lots' is not a positive whole number")]
    [InlineData("100000", "PTVSD_MAX_SESSIONS '100000' is more than 10,000 debug sessions; give a number such as 128")]
    public void A_session_cap_setting_that_is_no_count_is_named_in_the_error(string value, string expected)
    {
        var error = Assert.Throws<ProxyConfigurationException>(() => Load([], ("PTVSD_MAX_SESSIONS", value)));

        Assert.Equal(expected, error.Message);
    }

    [Theory]
    [InlineData("WSGI_PTVSD_ADDRESS", "10.0.0.5:5678", "not a loopback address")]
    [InlineData("WSGI_PTVSD_ADDRESS", "0.0.0.0:5678", "not a loopback address")]
    [InlineData("WSGI_PTVSD_ADDRESS", "localhost", "not host:port")]
    [InlineData("WSGI_PTVSD_ADDRESS", "localhost:99999", "not a TCP port")]
    [InlineData("PORT", "eighty", "not a TCP port")]
    public void Bad_environment_values_are_named_in_the_error(string variable, string value, string expected)
    {
        var error = Assert.Throws<ProxyConfigurationException>(() => Load([], (variable, value)));

        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData(new[] { "--bogus" }, "unknown option '--bogus'")]
    [InlineData(new[] { "--urls" }, "--urls needs a value")]
    [InlineData(new[] { "--max-sessions", "0" }, "not a positive whole number")]
    [InlineData(new[] { "--app-url", "ftp://x" }, "not an absolute http(s) URL")]
    [InlineData(new[] { "--app-url", "http://127.0.0.1:1", "--", "python3" }, "not both")]
    [InlineData(new[] { "--" }, "must be followed by the app command")]
    public void Bad_arguments_are_named_in_the_error(string[] args, string expected)
    {
        var error = Assert.Throws<ProxyConfigurationException>(() => Load(args));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Malformed_web_config_is_reported_with_its_line()
    {
        File.WriteAllText(Path.Combine(_site, "web.config"), "<configuration>\n  <appSettings>\n</configuration>");

        var error = Assert.Throws<ProxyConfigurationException>(() => Load([]));

        Assert.Contains("line 3", error.Message);
    }

    private ProxyOptions Load(string[] args, params (string Name, string Value)[] environment)
    {
        var variables = new Hashtable();
        foreach (var (name, value) in environment)
        {
            variables[name] = value;
        }

        return ProxyOptionsLoader.Load(["--content-root", _site, .. args], variables);
    }

    private void WriteWebConfig(string? secret, string? address, string? verifier = null)
    {
        var settings = (secret is null ? "" : $"<add key=\"WSGI_PTVSD_SECRET\" value=\"{secret}\" />")
            + (verifier is null ? "" : $"<add key=\"WSGI_PTVSD_SECRET_VERIFIER\" value=\"{verifier}\" />")
            + (address is null ? "" : $"<add key=\"WSGI_PTVSD_ADDRESS\" value=\"{address}\" />");
        File.WriteAllText(Path.Combine(_site, "web.config"), $"<?xml version=\"1.0\"?><configuration><appSettings>{settings}</appSettings></configuration>");
    }

    public void Dispose() => Directory.Delete(_site, recursive: true);
}
