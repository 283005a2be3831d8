using Ptvsd.Testing;
using Ptvsd.WebSocketProxy.Tests;

namespace Ptvsd.Attach.Tests;

/// <summary><c>ptvsd restart</c> against a real proxy.</summary>
public sealed class RestartCommandTests(ITestOutputHelper output)
{
    // Any app that takes its port: the restart is the proxy's, whatever the app is.
    private const string WaitingApp = "import os, time, socket; s = socket.create_server(('127.0.0.1', int(os.environ['PORT']))); time.sleep(600)";

    [Fact]
    [Trait(TestCategories.Category, TestCategories.Slow)]
    public async Task Restarts_the_app_and_says_how_to_see_the_debugger_come_back()
    {
        var ct = TestTimeouts.Default();
        var python = PythonEnvironment.Require();
        await using var proxy = await RunningProxy.StartAsync(output, options => options.AppCommand = [python.Path, "-c", WaitingApp]);
        int? firstPid;
        while ((firstPid = (int?)(await proxy.GetStatusAsync(ct))["app"]?["pid"]) is null)
        {
            await Task.Delay(50, ct);
        }

        var run = await RestartAsync(AttachProcess.UriFor(proxy));

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(
            $"Restarting the app (pid {firstPid}) and its debugger on {proxy.BaseUri.Authority}; `ptvsd probe ws://***@{proxy.BaseUri.Authority}/ptvsd` shows when the debugger listens again.",
            Assert.Single(run.OutputLines));
        await Poll.UntilAsync(
            () => (int?)proxy.GetStatusAsync(ct).Result["app"]?["pid"] is { } pid && pid != firstPid,
            TimeSpan.FromSeconds(20), ct, "a new app process");
        Assert.DoesNotContain(proxy.Secret!, run.Output + run.Errors);
    }

    [Fact]
    [Trait(TestCategories.Category, TestCategories.Slow)]
    public async Task A_stale_secret_restarts_nothing_and_says_to_take_the_current_uri()
    {
        var python = PythonEnvironment.Require();
        await using var proxy = await RunningProxy.StartAsync(output, options => options.AppCommand = [python.Path, "-c", WaitingApp]);
        var stale = RunningProxy.NewSecret();

        var run = await RestartAsync($"ws://{stale}@{proxy.BaseUri.Authority}/ptvsd");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("ptvsd: restart failed: the proxy did not accept the secret (HTTP 401). Likely cause: a stale secret", Assert.Single(run.ErrorLines));
        Assert.DoesNotContain(stale, run.Output + run.Errors);
        Assert.DoesNotContain(proxy.Logs.Lines, line => line.Contains("AppRestartRequested", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_proxy_that_starts_no_app_is_named_as_such()
    {
        await using var proxy = await RunningProxy.StartAsync(output);

        var run = await RestartAsync(AttachProcess.UriFor(proxy));

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("ptvsd: restart failed: the debug proxy starts no app here (HTTP 409)", Assert.Single(run.ErrorLines));
    }

    [Fact]
    public async Task Restart_posts_to_the_restart_endpoint_with_the_secret_only_as_a_bearer_token()
    {
        await using var site = new RequestRecorder();

        var run = await RestartAsync($"ws://zq4m7xk2tw9pv3rb8ndc@127.0.0.1:{site.Port}/ptvsd");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("restart failed", run.Errors);
        var head = Assert.Single(site.Heads);
        Assert.StartsWith("POST /ptvsd/restart HTTP/1.1", head);
        Assert.Contains("Authorization: Bearer zq4m7xk2tw9pv3rb8ndc", head);
        Assert.Single(head.Split("\r\n"), line => line.Contains("zq4m7xk2tw9pv3rb8ndc", StringComparison.Ordinal));
    }

    private async Task<ToolRun> RestartAsync(params string[] args)
    {
        var run = await ToolRun.RunAsync(["restart", .. args]);
        output.WriteLine(run.Output);
        output.WriteLine(run.Errors);
        return run;
    }
}
