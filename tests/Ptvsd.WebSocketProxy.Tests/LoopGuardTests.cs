using System.Net;
using System.Net.NetworkInformation;
using Ptvsd.Testing;

namespace Ptvsd.WebSocketProxy.Tests;

/// <summary>
/// A proxy whose app URL leads back to itself (a wrong --app-url, or a front end that sends the app's traffic to the
/// proxy's port) must refuse the request that comes round again, instead of forwarding it to itself without end.
/// </summary>
public sealed class LoopGuardTests(ITestOutputHelper output)
{
    // With a guard the request is accepted twice: once from the client, once when it comes back round.
    // Far more than that is a loop; the test stops it there rather than letting it run until a header grows too big.
    private const int MaxAcceptedConnections = 20;

    [Fact]
    public async Task A_request_that_comes_back_to_the_proxy_is_refused_instead_of_going_round_again()
    {
        var ct = TestTimeouts.Default();
        var port = FreePort.Get();
        var self = new IPEndPoint(IPAddress.Loopback, port);
        var before = AcceptedConnections(self);
        await using var proxy = await RunningProxy.StartAsync(output, options =>
        {
            options.Urls = [$"http://127.0.0.1:{port}"];
            options.AppUrl = new Uri($"http://127.0.0.1:{port}/");
        });

        using var http = new HttpClient { BaseAddress = proxy.BaseUri };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var request = http.GetAsync("/", stop.Token);
        var mostAccepted = 0;
        while (!request.IsCompleted)
        {
            mostAccepted = Math.Max(mostAccepted, AcceptedConnections(self) - before);
            if (mostAccepted > MaxAcceptedConnections)
            {
                // Cut the chain at its first link; the proxy's own hops then fail one after the other.
                await stop.CancelAsync();
                break;
            }

            await Task.WhenAny(request, Task.Delay(10, ct));
        }

        Assert.True(mostAccepted <= MaxAcceptedConnections, $"the request went round the proxy: it accepted more than {MaxAcceptedConnections} connections for one GET");
        using var response = await request;
        var body = await response.Content.ReadAsStringAsync(ct);
        Assert.True((int)response.StatusCode is >= 500 and <= 599, $"expected an error status (508 Loop Detected), got {(int)response.StatusCode}: {body}");
        Assert.DoesNotContain("   at ", proxy.Logs.All, StringComparison.Ordinal);

        // And the proxy is still itself afterwards.
        using var status = await http.GetAsync("/ptvsd", ct);
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
    }

    /// <summary>
    /// Connections whose local end is <paramref name="server"/>: those it accepted, still open or just closed. Read from
    /// the kernel's table, so the proxy's hops to itself are counted without being touched.
    /// </summary>
    private static int AcceptedConnections(IPEndPoint server) =>
        IPGlobalProperties.GetIPGlobalProperties().GetActiveTcpConnections().Count(connection => Unmapped(connection.LocalEndPoint).Equals(server));

    private static IPEndPoint Unmapped(IPEndPoint endPoint) =>
        endPoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port) : endPoint;
}
