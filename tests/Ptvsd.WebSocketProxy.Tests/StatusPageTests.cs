using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Ptvsd.Testing;

namespace Ptvsd.WebSocketProxy.Tests;

public sealed class StatusPageTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("ptvsd", "text/html")]
    [InlineData("ptvsd/", "text/html")]
    [InlineData("ptvsd?format=json", "application/json")]
    [InlineData("PTVSD?format=JSON", "application/json")]
    public async Task Without_credentials_the_page_says_only_that_the_proxy_is_up(string path, string mediaType)
    {
        await using var debugServer = new CountingTcpListener();
        await using var proxy = await RunningProxy.StartAsync(output, options => options.DebugServer = AuthenticationTests.Loopback(debugServer.Port));
        using var http = new HttpClient { BaseAddress = proxy.BaseUri };

        using var response = await http.GetAsync(path, TestTimeouts.Default());
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString());
        Assert.DoesNotContain(proxy.Secret!, body);
        Assert.DoesNotContain(debugServer.Port.ToString(), body);
        if (mediaType == "text/html")
        {
            Assert.Contains("The debug proxy is up", body);
            Assert.Contains("wss://&lt;secret&gt;@", body);
        }
        else
        {
            var json = JsonNode.Parse(body)!;
            Assert.Equal("up", (string?)json["proxy"]);
            Assert.False((bool)json["authenticated"]!);
            Assert.Null(json["debugServer"]);
        }
    }

    [Theory]
    [InlineData("evil.example\"><script>alert(1)</script>")]
    [InlineData("<script>alert(1)</script>")]
    public async Task The_page_never_echoes_a_hostile_host_header_as_markup(string host)
    {
        await using var proxy = await RunningProxy.StartAsync(output);

        var response = await RawHttp.SendAsync(proxy.BaseUri, $"GET /ptvsd HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");

        Assert.DoesNotContain("<script>", response);
    }

    [Fact]
    public async Task Accept_json_selects_the_json_status()
    {
        await using var proxy = await RunningProxy.StartAsync(output);
        using var http = new HttpClient { BaseAddress = proxy.BaseUri };
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        var json = JsonNode.Parse(await http.GetStringAsync("ptvsd", TestTimeouts.Default()))!;

        Assert.Equal("open", (string?)json["relay"]);
    }

    [Fact]
    public async Task With_credentials_the_status_shows_a_listening_debug_server_as_reachable_without_connecting_to_it()
    {
        await using var debugServer = new CountingTcpListener();
        await using var proxy = await RunningProxy.StartAsync(output, options =>
        {
            options.DebugServer = AuthenticationTests.Loopback(debugServer.Port);
            options.InstanceName = "instance-42";
        });

        var json = await proxy.GetStatusAsync(TestTimeouts.Default());

        Assert.True((bool)json["authenticated"]!);
        Assert.Equal($"127.0.0.1:{debugServer.Port}", (string?)json["debugServer"]!["address"]);
        Assert.True((bool)json["debugServer"]!["reachable"]!);
        Assert.Equal("none", (string?)json["app"]!["state"]);
        Assert.Equal("instance-42", (string?)json["instance"]);
        Assert.False(string.IsNullOrEmpty((string?)json["versions"]!["proxy"]));
        Assert.DoesNotContain(proxy.Secret!, json.ToJsonString());
        await Task.Delay(200);
        Assert.Equal(0, debugServer.AcceptedCount);
    }

    [Fact]
    public async Task With_credentials_the_status_shows_a_closed_port_as_unreachable()
    {
        var port = FreePort.Get();
        await using var proxy = await RunningProxy.StartAsync(output, options => options.DebugServer = AuthenticationTests.Loopback(port));

        var json = await proxy.GetStatusAsync(TestTimeouts.Default());

        Assert.False((bool)json["debugServer"]!["reachable"]!);
    }

    [Fact]
    public async Task A_wrong_secret_on_the_status_page_is_refused_like_on_the_relay()
    {
        await using var proxy = await RunningProxy.StartAsync(output);
        using var http = new HttpClient { BaseAddress = proxy.BaseUri };
        http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", RunningProxy.Basic("a-stale-secret-from-last-week"));

        using var response = await http.GetAsync("ptvsd?format=json", TestTimeouts.Default());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("copy the attach URI from the latest publish", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Without_a_secret_the_page_says_why_the_relay_is_closed()
    {
        await using var proxy = await RunningProxy.StartAsync(output, withSecret: false);
        using var http = new HttpClient { BaseAddress = proxy.BaseUri };

        var html = await http.GetStringAsync("ptvsd", TestTimeouts.Default());
        var json = JsonNode.Parse(await http.GetStringAsync("ptvsd?format=json", TestTimeouts.Default()))!;

        Assert.Contains("The debugger relay is closed", html);
        Assert.Contains("WSGI_PTVSD_SECRET", html);
        Assert.Equal("closed", (string?)json["relay"]);
    }

    [Theory]
    [InlineData("/web.config")]
    [InlineData("/WEB.CONFIG")]
    [InlineData("/web.debug.config")]
    [InlineData("/%77eb.config")]
    [InlineData("/ptvsd/Ptvsd.WebSocketProxy.dll")]
    [InlineData("/ptvsd/bootstrap/sitecustomize.py")]
    public async Task Files_that_hold_the_secret_or_the_proxy_are_never_forwarded(string path)
    {
        await using var proxy = await RunningProxy.StartAsync(output, options => options.AppUrl = new Uri("http://127.0.0.1:9/"));
        // Raw, so that the path reaches the proxy exactly as written (HttpClient would normalise it).
        var response = await RawHttp.SendAsync(proxy.BaseUri, $"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 404", response);
    }
}
