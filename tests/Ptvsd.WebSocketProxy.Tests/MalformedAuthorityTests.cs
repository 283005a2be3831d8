using Ptvsd.Testing;

namespace Ptvsd.WebSocketProxy.Tests;

/// <summary>
/// A malformed authority, in the Host header or in an absolute-form target, is the client's mistake: the proxy says so
/// with 400, forwards nothing, and logs no exception (a 500 and a stack trace would mean the proxy's own code choked).
/// </summary>
public sealed class MalformedAuthorityTests(ITestOutputHelper output)
{
    /// <summary>Request lines and headers, before the Connection header that ends each; {proxy} and {other} are filled in.</summary>
    public static TheoryData<string> MalformedAuthorities => new()
    {
        "GET http://[::1/ HTTP/1.1\r\nHost: [::1\r\n",
        "GET / HTTP/1.1\r\nHost: [::1\r\n",
        "GET /ptvsd HTTP/1.1\r\nHost: [::1\r\n",
        "GET / HTTP/1.1\r\nHost: a b\r\n",
        "GET /ptvsd HTTP/1.1\r\nHost: a b\r\n",
        "GET / HTTP/1.1\r\nHost: {proxy}\r\nHost: {other}\r\n",
        "GET /ptvsd HTTP/1.1\r\nHost: {proxy}\r\nHost: {proxy}\r\n",
        "GET / HTTP/1.1\r\nHost:\r\nHost:\r\n",
        "GET / HTTP/1.1\r\nHost: user@{other}\r\n",
        "GET / HTTP/1.1\r\nHost: 127.0.0.1:99999\r\n",
        "GET http://user@{other}/ HTTP/1.1\r\nHost: {other}\r\n",
        "GET http://user:password@{proxy}/hello.txt HTTP/1.1\r\nHost: {proxy}\r\n",
        "GET http://user@{proxy}/ptvsd HTTP/1.1\r\nHost: {proxy}\r\n",
    };

    [Theory]
    [MemberData(nameof(MalformedAuthorities))]
    public async Task A_malformed_authority_gets_400_reaches_nothing_and_logs_no_exception(string requestHead)
    {
        var ct = TestTimeouts.Default();
        await using var site = await GuardedSite.StartAsync(output);

        var response = await site.SendAsync(requestHead + "Connection: close\r\n\r\n", ct);

        Assert.True(response.Status == 400, $"expected 400 for {site.Expand(requestHead)}got:\n{response}");
        await site.AssertNothingGotPastAsync(response, ct);
        Assert.DoesNotContain("   at ", site.Proxy.Logs.All, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", site.Proxy.Logs.All, StringComparison.Ordinal);
    }
}
