using System.Net.Sockets;
using Ptvsd.Testing;
using Ptvsd.WebSocketProxy.Tests;

namespace Ptvsd.Attach.Tests;

/// <summary>
/// Real debugpy in the real FlaskHello sample, run by the proxy with the bootstrap, reached through <c>ptvsd attach</c>
/// by a DAP client on 127.0.0.1, the way VS Code or Visual Studio would.
/// </summary>
[Trait(TestCategories.Category, TestCategories.Slow)]
public sealed class DebugpyThroughBridgeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Three_debuggers_that_connect_and_drop_at_once_without_sending_leave_debugpy_healthy_for_a_real_attach()
    {
        var ct = TestTimeouts.Default(120);
        await using var proxy = await FlaskHelloSite.StartProxyAsync(output, ct);
        await using var attach = await AttachProcess.StartAsync(proxy, output, ct);

        var dropped = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => BridgeRelayTests.ConnectAsync(attach, ct)));
        foreach (var socket in dropped)
        {
            socket.Dispose();
        }

        await BridgeRelayTests.WaitUntilAsync(() => attach.Output.Count(line => line.Contains("closed without sending anything", StringComparison.Ordinal)) == 3, ct);
        await BreakInHelloAsync(attach, proxy, "Dropped", ct);
        Assert.Single(proxy.Logs.Lines, line => line.Contains("SessionAccepted", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_probe_leaves_debugpy_healthy_for_a_real_attach()
    {
        var ct = TestTimeouts.Default(120);
        await using var proxy = await FlaskHelloSite.StartProxyAsync(output, ct);

        var probe = await ToolRun.RunAsync("probe", AttachProcess.UriFor(proxy));
        output.WriteLine(probe.Output);

        Assert.Equal(0, probe.ExitCode);
        Assert.Contains(probe.OutputLines, line => line.StartsWith("✓ debug server reachable: debugpy 1.", StringComparison.Ordinal));
        await using var attach = await AttachProcess.StartAsync(proxy, output, ct);
        await BreakInHelloAsync(attach, proxy, "Probed", ct);
    }

    [Fact]
    public async Task End_to_end_a_breakpoint_stops_a_request_a_local_is_evaluated_and_a_second_attach_reaches_the_same_app_process()
    {
        var ct = TestTimeouts.Default(120);
        await using var proxy = await FlaskHelloSite.StartProxyAsync(output, ct);
        await using var attach = await AttachProcess.StartAsync(proxy, output, ct);

        var first = await BreakInHelloAsync(attach, proxy, "First", ct);
        await attach.WaitForLineAsync("session 1 closed: ", ct);
        var second = await BreakInHelloAsync(attach, proxy, "Second", ct);

        var app = (await proxy.GetStatusAsync(ct))["app"]!;
        Assert.Equal((int)app["pid"]!, first);
        Assert.Equal(first, second);
        Assert.Equal(0, (int)app["restarts"]!);
        Assert.Contains(attach.Output, line => line.Contains("session 1 opened for the debugger at 127.0.0.1:", StringComparison.Ordinal));
        Assert.Contains(attach.Output, line => line.Contains("session 1 closed: ", StringComparison.Ordinal));
    }

    /// <summary>Attaches to 127.0.0.1:PORT through the bridge, breaks in hello(), evaluates, continues, detaches; returns the app's pid.</summary>
    private Task<int> BreakInHelloAsync(AttachProcess attach, RunningProxy proxy, string name, CancellationToken ct) =>
        FlaskHelloSite.BreakInHelloAsync(token => DapClient.ConnectAsync(attach.EndPoint, output.WriteLine, token), proxy.BaseUri, name, ct);
}
