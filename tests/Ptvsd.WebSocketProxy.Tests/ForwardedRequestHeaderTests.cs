using Ptvsd.Testing;

namespace Ptvsd.WebSocketProxy.Tests;

/// <summary>
/// Which request headers reach the app: the proxy's secret never does, however a client sent it, while the app's own
/// credentials and ordinary headers do; headers that Connection names belong to the hop and go no further.
/// </summary>
public sealed class ForwardedRequestHeaderTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("bearer")]
    [InlineData("bearer in lower case")]
    [InlineData("basic")]
    [InlineData("basic with a password")]
    public async Task An_authorization_header_that_carries_the_secret_is_removed_before_the_request_reaches_the_app(string form)
    {
        var ct = TestTimeouts.Default();
        await using var site = await GuardedSite.StartAsync(output);
        var secret = site.Proxy.Secret!;
        var authorization = form switch
        {
            "bearer" => "Bearer " + secret,
            "bearer in lower case" => "bearer " + secret,
            "basic" => RunningProxy.Basic(secret),
            _ => RunningProxy.Basic(secret, "any password"),
        };

        var response = await site.GetAsync("/hello.txt", ct, headers: $"Authorization: {authorization}\r\n");

        Assert.Equal(200, response.Status);
        Assert.Equal(GuardedSite.HelloText, response.Body);
        var received = Assert.Single(site.App.Requests);
        Assert.Empty(received.HeaderValues("Authorization"));
        Assert.DoesNotContain(secret, received.Head, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(authorization.Split(' ')[1], received.Head, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_apps_own_basic_credentials_reach_the_app_unchanged()
    {
        var ct = TestTimeouts.Default();
        await using var site = await GuardedSite.StartAsync(output);
        var appCredentials = RunningProxy.Basic("alice", "the app's own password");

        var response = await site.GetAsync("/hello.txt", ct, headers: $"Authorization: {appCredentials}\r\n");

        Assert.Equal(200, response.Status);
        var received = Assert.Single(site.App.Requests);
        Assert.Equal([appCredentials], received.HeaderValues("Authorization"));
    }

    [Fact]
    public async Task Headers_named_in_connection_stop_at_the_proxy_and_ordinary_headers_go_on()
    {
        var ct = TestTimeouts.Default();
        await using var site = await GuardedSite.StartAsync(output);

        // Keep-alive asked for, so that the token list is more than the one name; the response is read by its length.
        var first = await site.SendAsync(
            "GET /hello.txt HTTP/1.1\r\nHost: {proxy}\r\nConnection: keep-alive, X-Foo\r\nX-Foo: 1\r\nX-Baz: 1\r\n\r\n", ct);
        var second = await site.SendAsync(
            "GET /hello.txt HTTP/1.1\r\nHost: {proxy}\r\nConnection: X-Bar\r\nX-Bar: 1\r\nX-Baz: 1\r\n\r\n", ct);

        Assert.Equal(200, first.Status);
        Assert.Equal(200, second.Status);
        Assert.Equal(2, site.App.Requests.Count);
        foreach (var received in site.App.Requests)
        {
            output.WriteLine(received.Head);
            Assert.Empty(received.HeaderValues("X-Foo"));
            Assert.Empty(received.HeaderValues("X-Bar"));
            Assert.Equal(["1"], received.HeaderValues("X-Baz"));
            Assert.DoesNotContain(received.HeaderValues("Connection"), value => value.Contains("X-Foo", StringComparison.OrdinalIgnoreCase) || value.Contains("X-Bar", StringComparison.OrdinalIgnoreCase));
        }
    }
}
