using System.Net;
using System.Net.WebSockets;
using Ptvsd.Testing;
using Ptvsd.WebSocketProxy.Configuration;

namespace Ptvsd.WebSocketProxy.Tests;

public sealed class AuthenticationTests(ITestOutputHelper output)
{
    public static TheoryData<string?, HttpStatusCode> HostileCredentials => new()
    {
        { null, HttpStatusCode.Unauthorized },
        { "", HttpStatusCode.Unauthorized },
        { RunningProxy.Basic("not-the-secret-at-all-0123456789"), HttpStatusCode.Unauthorized },
        { "Bearer not-the-secret-at-all-0123456789", HttpStatusCode.Unauthorized },
        { RunningProxy.Basic(""), HttpStatusCode.BadRequest },
        { "Basic %%%not-base64%%%", HttpStatusCode.BadRequest },
        { "Basic ", HttpStatusCode.BadRequest },
        { "Bearer ", HttpStatusCode.BadRequest },
        { "Basic " + Convert.ToBase64String(new byte[] { 0xff, 0xfe, 0x3a }), HttpStatusCode.BadRequest },
        { "Digest username=\"x\"", HttpStatusCode.BadRequest },
        { "Basic " + new string('A', 10 * 1024), HttpStatusCode.BadRequest },
        { "Bearer " + new string('s', 10 * 1024), HttpStatusCode.BadRequest },
    };

    [Theory]
    [MemberData(nameof(HostileCredentials))]
    public async Task Upgrade_without_the_secret_is_refused_and_never_reaches_the_debug_server(string? authorization, HttpStatusCode expected)
    {
        var ct = TestTimeouts.Default();
        await using var debugServer = new CountingTcpListener();
        await using var proxy = await RunningProxy.StartAsync(output, options => options.DebugServer = Loopback(debugServer.Port));

        var (status, body) = await proxy.TryUpgradeAsync(authorization, ct);

        Assert.Equal(expected, status);
        Assert.DoesNotContain(proxy.Secret!, body);
        await Task.Delay(200, ct);
        Assert.Equal(0, debugServer.AcceptedCount);
        Assert.DoesNotContain(proxy.Secret!, proxy.Logs.All);
    }

    [Fact]
    public async Task Unauthorized_upgrade_names_the_accepted_schemes()
    {
        await using var proxy = await RunningProxy.StartAsync(output);
        using var client = new ClientWebSocket();
        client.Options.CollectHttpResponseDetails = true;

        await Assert.ThrowsAsync<WebSocketException>(() => client.ConnectAsync(proxy.DebugUri, TestTimeouts.Default()));

        Assert.Equal(HttpStatusCode.Unauthorized, client.HttpStatusCode);
        var challenges = client.HttpResponseHeaders!["WWW-Authenticate"];
        Assert.Contains(challenges, c => c.StartsWith("Basic", StringComparison.Ordinal));
        Assert.Contains(challenges, c => c.StartsWith("Bearer", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("basic")]
    [InlineData("bearer")]
    [InlineData("basic-with-password")]
    public async Task The_secret_is_accepted_as_basic_user_name_or_bearer_token(string form)
    {
        var ct = TestTimeouts.Default();
        await using var debugServer = new TcpEchoServer();
        await using var proxy = await RunningProxy.StartAsync(output, options => options.DebugServer = Loopback(debugServer.Port));
        var authorization = form switch
        {
            "basic" => RunningProxy.Basic(proxy.Secret!),
            "bearer" => "Bearer " + proxy.Secret,
            _ => RunningProxy.Basic(proxy.Secret!, "any password is ignored"),
        };

        using var client = await proxy.ConnectAsync(ct, authorization);
        await client.SendAsync("ping"u8.ToArray(), WebSocketMessageType.Binary, true, ct);
        var buffer = new byte[16];
        var result = await client.ReceiveAsync(buffer, ct);

        Assert.Equal("ping", System.Text.Encoding.ASCII.GetString(buffer, 0, result.Count));
        Assert.Equal(1, debugServer.AcceptedCount);
    }

    [Fact]
    public async Task Without_a_secret_the_relay_is_closed_and_says_why()
    {
        var ct = TestTimeouts.Default();
        await using var debugServer = new CountingTcpListener();
        await using var proxy = await RunningProxy.StartAsync(output, options => options.DebugServer = Loopback(debugServer.Port), withSecret: false);

        var (status, body) = await proxy.TryUpgradeAsync(RunningProxy.Basic("some-guess-that-is-long-enough"), ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("WSGI_PTVSD_SECRET", body);
        Assert.Equal(0, debugServer.AcceptedCount);
    }

    [Fact]
    public async Task Sessions_past_the_cap_are_refused_clearly()
    {
        var ct = TestTimeouts.Default();
        await using var debugServer = new TcpEchoServer();
        await using var proxy = await RunningProxy.StartAsync(output, options =>
        {
            options.DebugServer = Loopback(debugServer.Port);
            options.MaxSessions = 1;
        });

        using var first = await proxy.ConnectAsync(ct);
        var (status, body) = await proxy.TryUpgradeAsync(proxy.BasicAuthorization, ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("too many debug sessions", body);
        Assert.Contains("PTVSD_MAX_SESSIONS app setting or the project's PtvsdMaxDebugSessions", body);

        await first.CloseAsync(WebSocketCloseStatus.NormalClosure, null, ct);
        await WaitUntilAsync(() => proxy.TryUpgradeAsync(proxy.BasicAuthorization, ct), r => r.Status == HttpStatusCode.SwitchingProtocols, ct);
    }

    internal static DebugServerAddress Loopback(int port) => RunningProxy.Loopback(port);

    private static async Task WaitUntilAsync<T>(Func<Task<T>> attempt, Func<T, bool> done, CancellationToken ct)
    {
        while (!done(await attempt()))
        {
            await Task.Delay(50, ct);
        }
    }
}
