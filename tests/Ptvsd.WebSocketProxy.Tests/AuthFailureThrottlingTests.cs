using System.Net;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Ptvsd.Testing;

namespace Ptvsd.WebSocketProxy.Tests;

/// <summary>
/// Throttling slows down whoever guesses the secret; it must not lock out the developer who has it (who may share the
/// guesser's address behind a NAT or a front end), nor take down the public status page.
/// </summary>
public sealed class AuthFailureThrottlingTests(ITestOutputHelper output)
{
    [Fact]
    public async Task After_too_many_wrong_secrets_from_one_address_further_guesses_are_throttled_and_logged_once()
    {
        var ct = TestTimeouts.Default();
        await using var debugServer = new CountingTcpListener();
        await using var proxy = await RunningProxy.StartAsync(output, options => options.DebugServer = RunningProxy.Loopback(debugServer.Port));
        await UseUpTheFailureBudgetAsync(proxy, ct);

        var (status, body) = await proxy.TryUpgradeAsync(RunningProxy.Basic("one-guess-too-many-of-the-secret"), ct);
        var (again, _) = await proxy.TryUpgradeAsync("Bearer and-another-guess-of-the-secret", ct);

        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.Equal(HttpStatusCode.TooManyRequests, again);
        Assert.DoesNotContain(proxy.Secret!, body);
        Assert.Equal(0, debugServer.AcceptedCount);
        await Poll.UntilAsync(() => proxy.Logs.Lines.Any(line => line.Contains("throttled", StringComparison.Ordinal)), TimeSpan.FromSeconds(10), ct, "the throttle's log line");
        Assert.Single(proxy.Logs.Lines, line => line.Contains("throttled", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("bearer")]
    [InlineData("basic")]
    public async Task The_right_secret_still_opens_a_session_while_its_address_is_throttled(string form)
    {
        var ct = TestTimeouts.Default();
        await using var debugServer = new TcpEchoServer();
        await using var proxy = await RunningProxy.StartAsync(output, options => options.DebugServer = RunningProxy.Loopback(debugServer.Port));
        await UseUpTheFailureBudgetAsync(proxy, ct);
        var (throttled, _) = await proxy.TryUpgradeAsync(RunningProxy.Basic("one-guess-too-many-of-the-secret"), ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled);

        var (status, body) = await proxy.TryUpgradeAsync(form == "bearer" ? "Bearer " + proxy.Secret : proxy.BasicAuthorization, ct);
        Assert.True(status == HttpStatusCode.SwitchingProtocols, $"expected 101 with the right secret during the throttling, got {(int)status}: {body}");

        // And the session is a real one: bytes go to the debug server and back.
        using var client = await proxy.ConnectAsync(ct, form == "bearer" ? "Bearer " + proxy.Secret : null);
        await client.SendAsync("ping"u8.ToArray(), WebSocketMessageType.Binary, true, ct);
        var buffer = new byte[16];
        var result = await client.ReceiveAsync(buffer, ct);
        Assert.Equal("ping", System.Text.Encoding.ASCII.GetString(buffer, 0, result.Count));
    }

    [Theory]
    [InlineData("ptvsd")]
    [InlineData("ptvsd?format=json")]
    public async Task The_public_status_page_still_answers_while_its_address_is_throttled(string path)
    {
        var ct = TestTimeouts.Default();
        await using var debugServer = new CountingTcpListener();
        await using var proxy = await RunningProxy.StartAsync(output, options => options.DebugServer = RunningProxy.Loopback(debugServer.Port));
        await UseUpTheFailureBudgetAsync(proxy, ct);
        var (throttled, _) = await proxy.TryUpgradeAsync(RunningProxy.Basic("one-guess-too-many-of-the-secret"), ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled);

        using var http = new HttpClient { BaseAddress = proxy.BaseUri };
        using var response = await http.GetAsync(path, ct);
        var body = await response.Content.ReadAsStringAsync(ct);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected the public status page during the throttling, got {(int)response.StatusCode}: {body}");
        if (path.Contains("json", StringComparison.Ordinal))
        {
            Assert.Equal("up", (string?)JsonNode.Parse(body)!["proxy"]);
        }
        else
        {
            Assert.Contains("The debug proxy is up", body, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(proxy.Secret!, body);
    }

    /// <summary>Exactly as many wrong secrets as the proxy tolerates from one address, each refused as a wrong secret.</summary>
    private static async Task UseUpTheFailureBudgetAsync(RunningProxy proxy, CancellationToken ct)
    {
        for (var i = 0; i < proxy.Options.MaxAuthFailures; i++)
        {
            var (status, _) = await proxy.TryUpgradeAsync(RunningProxy.Basic($"guess-number-{i}-of-the-secret"), ct);
            Assert.Equal(HttpStatusCode.Unauthorized, status);
        }
    }
}
