using System.Net;
using System.Text.Json.Nodes;
using Ptvsd.Testing;

namespace Ptvsd.WebSocketProxy.Tests;

/// <summary><c>POST /ptvsd/restart</c>: only the secret, as a Bearer token, restarts the app.</summary>
public sealed class RestartEndpointTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("Bearer wrong-secret-0123456789abcdef", HttpStatusCode.Unauthorized)]
    [InlineData("Bearer ", HttpStatusCode.Unauthorized)]
    [InlineData("Negotiate abc", HttpStatusCode.Unauthorized)]
    public async Task Without_the_secret_as_a_bearer_token_nothing_restarts(string? authorization, HttpStatusCode expected)
    {
        var ct = TestTimeouts.Default();
        await using var proxy = await RunningProxy.StartAsync(output);

        using var response = await PostRestartAsync(proxy, authorization, ct);

        Assert.Equal(expected, response.StatusCode);
        Assert.DoesNotContain(proxy.Logs.Lines, line => line.Contains("AppRestartRequested", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_right_secret_as_basic_credentials_which_a_browser_replays_on_its_own_is_refused()
    {
        var ct = TestTimeouts.Default();
        await using var proxy = await RunningProxy.StartAsync(output);

        using var response = await PostRestartAsync(proxy, proxy.BasicAuthorization, ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Bearer", await response.Content.ReadAsStringAsync(ct));
        Assert.DoesNotContain(proxy.Logs.Lines, line => line.Contains("AppRestartRequested", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task Only_post_restarts(string method)
    {
        var ct = TestTimeouts.Default();
        await using var proxy = await RunningProxy.StartAsync(output);
        using var http = new HttpClient { BaseAddress = proxy.BaseUri };
        using var request = new HttpRequestMessage(new HttpMethod(method), "ptvsd/restart");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + proxy.Secret);

        using var response = await http.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("POST", string.Join(",", response.Content.Headers.Allow));
    }

    [Fact]
    public async Task A_proxy_that_starts_no_app_says_it_has_nothing_to_restart()
    {
        var ct = TestTimeouts.Default();
        await using var proxy = await RunningProxy.StartAsync(output);

        using var response = await PostRestartAsync(proxy, "Bearer " + proxy.Secret, ct);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("starts no app", await response.Content.ReadAsStringAsync(ct));
    }

    internal static async Task<HttpResponseMessage> PostRestartAsync(RunningProxy proxy, string? authorization, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = proxy.BaseUri };
        using var request = new HttpRequestMessage(HttpMethod.Post, "ptvsd/restart");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        return await http.SendAsync(request, ct);
    }
}
