using System.Net;
using Ptvsd.Testing;

namespace Ptvsd.WebSocketProxy.Tests;

/// <summary>
/// The cap on requests forwarded at once. It has no command-line form (its default suits every site), so the test runs
/// against the proxy in this process only, with the trait of the tests of the proxy's code alone.
/// </summary>
[Trait(ProxyTarget.Trait, ProxyTarget.NoProxy)]
public sealed class ForwardingLimitTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Requests_past_the_cap_get_503_at_once_and_a_freed_place_is_used_again()
    {
        var ct = TestTimeouts.Default();
        await using var app = new CountingTcpListener(); // accepts, reads, never answers: every request stays in flight
        await using var proxy = await RunningProxy.StartAsync(output, options =>
        {
            options.AppUrl = new Uri($"http://127.0.0.1:{app.Port}/");
            options.MaxForwardedRequests = 2;
        });
        using var http = new HttpClient { BaseAddress = proxy.BaseUri, Timeout = Timeout.InfiniteTimeSpan };
        using var held = CancellationTokenSource.CreateLinkedTokenSource(ct);

        var first = http.GetAsync("/one", held.Token);
        var second = http.GetAsync("/two", held.Token);
        await Poll.UntilAsync(() => app.AcceptedCount == 2, TimeSpan.FromSeconds(10), ct, "both requests reaching the app");
        using var refused = await http.GetAsync("/three", ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("1", refused.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains("already forwarding 2 requests", await refused.Content.ReadAsStringAsync(ct));
        Assert.Equal(2, app.AcceptedCount);

        await held.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second);
        // The proxy frees a place once it has seen the client go, a moment after the client gave up: until then a new
        // request is refused again, after that it is forwarded (and stays in flight, as the app never answers).
        using var again = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Task<HttpResponseMessage> fourth;
        do
        {
            fourth = http.GetAsync("/four", again.Token);
        }
        while (await Task.WhenAny(fourth, Task.Delay(500, ct)) == fourth && (await fourth).StatusCode == HttpStatusCode.ServiceUnavailable);

        await Poll.UntilAsync(() => app.AcceptedCount == 3, TimeSpan.FromSeconds(10), ct, "a request reaching the app once the held ones were given up");
        await again.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fourth);
    }
}
