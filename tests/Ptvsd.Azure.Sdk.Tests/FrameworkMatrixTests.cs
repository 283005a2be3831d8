using System.Globalization;
using System.Net;

namespace Ptvsd.Azure.Sdk.Tests;

/// <summary>
/// The whole user path, once per framework and server: a project as its users write it, with no web.config →
/// <c>dotnet publish -c Debug</c> through the packed SDK → <c>sh ptvsd/startup.sh</c> on a host without .NET →
/// <c>ptvsd probe</c> → <c>ptvsd attach --project</c> → a debugger that follows gunicorn's workers as VS Code does, a
/// request through the proxy that stops in the process serving it, a local evaluated, continue, the response → a
/// Release publish that leaves no trace.
/// </summary>
[Collection(SdkCollection.Name)]
[Trait(TestCategories.Category, TestCategories.Slow)]
public sealed class FrameworkMatrixTests(SdkFeed feed, ITestOutputHelper output)
{
    private static readonly TimeSpan SubprocessTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("flask-dev-server")]
    [InlineData("flask-gunicorn-1-worker")]
    [InlineData("flask-gunicorn-3-workers")]
    [InlineData("django-gunicorn")]
    [InlineData("django-runserver")]
    [InlineData("fastapi-uvicorn")]
    [InlineData("flask-waitress")]
    public async Task A_debug_publish_started_by_its_startup_script_probes_good_stops_a_request_in_the_process_serving_it_and_release_leaves_no_trace(string caseName)
    {
        var framework = FrameworkCase.Named(caseName);
        var ct = TestTimeouts.Default(180);
        using var app = await AppUnderTest.CreateAsync(feed, framework, output, ct);

        var publish = await app.PublishDebugAsync(ct);
        var secret = publish.SecretInAttachUri!;
        await using (var host = await app.StartAsync(ct))
        {
            var probe = await ProbeAsync(publish.AttachUri!, ct);
            AssertAllChecksPassed(probe);

            await using var attach = await StartAttachAsync(app, ct);
            await using var debugger = await AttachDebuggerAsync(attach, app, ct);
            var visit = await VisitAsync(debugger, host.BaseUri, framework.Name, ct);
            await AssertStoppedInTheServingProcessAsync(visit, framework, debugger, host, secret, ct);
            await debugger.DisconnectAsync(ct);

            Assert.DoesNotContain(secret, string.Join('\n', host.Process.Output));
            Assert.DoesNotContain(secret, string.Join('\n', attach.Process.Output));
            Assert.DoesNotContain(secret, string.Join('\n', probe.Output));
        }

        await app.AssertReleaseLeavesNoTraceAsync(ct);
    }

    [Fact]
    public async Task Five_gunicorn_workers_and_their_master_are_attached_at_once_and_a_request_stops_in_the_worker_serving_it()
    {
        var framework = FrameworkCase.Named("flask-gunicorn-5-workers");
        var ct = TestTimeouts.Default(180);
        using var app = await AppUnderTest.CreateAsync(feed, framework, output, ct);

        var publish = await app.PublishDebugAsync(ct);
        var secret = publish.SecretInAttachUri!;
        await using var host = await app.StartAsync(ct);
        await using var attach = await StartAttachAsync(app, ct);
        await using var debugger = await AttachDebuggerAsync(attach, app, ct);

        // Every session open at once, as the proxy counts them too: one per worker and the master's.
        var status = await host.GetStatusAsync(secret, ct);
        Assert.Equal(framework.Workers + 1, debugger.Processes.Count);
        Assert.All(debugger.Processes, process => Assert.True(process.Session.Client.IsConnected, $"the session of process {process.ProcessId} closed"));
        Assert.Equal(debugger.Processes.Count, (int?)status["sessions"]?["active"]);

        var visit = await VisitAsync(debugger, host.BaseUri, framework.Name, ct);
        await AssertStoppedInTheServingProcessAsync(visit, framework, debugger, host, secret, ct);
        await debugger.DisconnectAsync(ct);
        Assert.DoesNotContain(secret, string.Join('\n', host.Process.Output));
    }

    /// <summary>Runs <c>ptvsd probe URI</c> to its end.</summary>
    private async Task<ToolOutput> ProbeAsync(string attachUri, CancellationToken ct)
    {
        var start = PtvsdTool.CreateStartInfo("ptvsd-probe", "probe", attachUri);
        start.Output = output.WriteLine;
        await using var probe = ManagedProcess.Start(start);
        var exitCode = await probe.WaitForExitAsync(ProbeTimeout, ct);
        return new ToolOutput(exitCode, probe.Output);
    }

    private static void AssertAllChecksPassed(ToolOutput probe)
    {
        var report = string.Join('\n', probe.Output);
        Assert.True(probe.ExitCode == 0, $"ptvsd probe exited with {probe.ExitCode}:\n{report}");
        Assert.DoesNotContain(probe.Output, line => line.StartsWith("✗ ", StringComparison.Ordinal) || line.StartsWith("- ", StringComparison.Ordinal));
        Assert.Contains(probe.Output, line => line.StartsWith("✓ debug server reachable: debugpy ", StringComparison.Ordinal));
        var passed = probe.Output.Count(line => line.StartsWith("✓ ", StringComparison.Ordinal));
        Assert.StartsWith($"All {passed} checks passed", probe.Output[^1], StringComparison.Ordinal);
    }

    /// <summary>
    /// Starts <c>ptvsd attach --project DIR --port 0 --remote-root SITE</c> (the site's folder stands for App Service's
    /// /home/site/wwwroot) and returns once it listens.
    /// </summary>
    private async Task<AttachTool> StartAttachAsync(AppUnderTest app, CancellationToken ct)
    {
        var start = PtvsdTool.CreateStartInfo("ptvsd-attach", "attach", "--project", app.Project.Folder, "--port", "0", "--remote-root", app.Site);
        start.Output = output.WriteLine;
        var process = ManagedProcess.Start(start);
        try
        {
            return new AttachTool(process, await PtvsdTool.WaitUntilAttachListeningAsync(process, ct));
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Attaches as VS Code does with the configuration <c>ptvsd attach</c> printed, opened on the project's folder: the
    /// view's breakpoint set in the project's own file, every gunicorn worker followed; returns once all are attached.
    /// </summary>
    private async Task<DebugSessionTree> AttachDebuggerAsync(AttachTool attach, AppUnderTest app, CancellationToken ct)
    {
        var configuration = PtvsdTool.PrintedLaunchConfiguration(attach.Process);
        Assert.Equal(attach.EndPoint.Port, (int?)configuration["connect"]?["port"]);
        foreach (var mapping in configuration["pathMappings"]?.AsArray() ?? [])
        {
            // What VS Code substitutes for the folder it has open.
            mapping!["localRoot"] = ((string?)mapping["localRoot"])?.Replace("${workspaceFolder}", app.Project.Folder, StringComparison.Ordinal);
        }

        var breakpointFile = Path.Combine(app.Project.Folder, app.Framework.BreakpointFile);
        DebugSessionTree? debugger = null;
        try
        {
            debugger = await DebugSessionTree.AttachAsync(
                attach.EndPoint, configuration, [(breakpointFile, SourceMarkers.LineOf(breakpointFile))], output.WriteLine, ct);
            await debugger.WaitForSubprocessesAsync(app.Framework.Workers, SubprocessTimeout, ct);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or TimeoutException)
        {
            if (debugger is not null)
            {
                await debugger.DisposeAsync();
            }

            // The DAP side sees only a closed connection; why the site refused it is what ptvsd attach printed.
            throw new InvalidOperationException(
                $"{ex.Message}\nptvsd attach reported:\n{string.Join('\n', attach.Process.ErrorOutput)}", ex);
        }

        // Every session, a worker's too, went through ptvsd attach and the proxy, never around them.
        Assert.All(debugger.Processes, process => Assert.Equal(attach.EndPoint, process.EndPoint));
        return debugger;
    }

    /// <summary>Sends a request through the proxy, waits for it to stop at the breakpoint, evaluates, continues, reads the response.</summary>
    private static async Task<Visit> VisitAsync(DebugSessionTree debugger, Uri site, string name, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = site };
        var request = http.GetStringAsync($"/?name={Uri.EscapeDataString(name)}", ct);
        using var stopWait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var stop = debugger.WaitForStopAsync(stopWait.Token);
        if (await Task.WhenAny(stop, request) == request)
        {
            await stopWait.CancelAsync();
            Assert.Fail($"The request was answered without stopping at the breakpoint: {await request}");
        }

        var (process, threadId) = await stop;
        var held = !request.IsCompleted;
        var greeting = await process.Session.EvaluateInTopFrameAsync(threadId, "greeting", ct);
        var processId = int.Parse(await process.Session.EvaluateInTopFrameAsync(threadId, "os.getpid()", ct), CultureInfo.InvariantCulture);
        await process.Session.ContinueAsync(threadId, ct);
        return new Visit(process, held, greeting, processId, await request);
    }

    private static async Task AssertStoppedInTheServingProcessAsync(
        Visit visit, FrameworkCase framework, DebugSessionTree debugger, RunningSite host, string secret, CancellationToken ct)
    {
        Assert.True(visit.HeldAtBreakpoint, "the request should be held at the breakpoint");
        Assert.Equal($"'Hello, {framework.Name}!'", visit.Greeting);

        // The process that answered is the one the debugger stopped in, and the session that reported the stop is that
        // process's own.
        Assert.Equal($"Hello, {framework.Name}! (pid {visit.ProcessIdAtBreakpoint})", visit.Response);
        Assert.Equal(visit.ProcessIdAtBreakpoint, visit.StoppedIn.ProcessId);

        // The first session is the app the proxy started (for gunicorn, its master), and every session set the breakpoint.
        var status = await host.GetStatusAsync(secret, ct);
        Assert.Equal((int?)status["app"]?["pid"], debugger.Root.ProcessId);
        Assert.All(debugger.Processes, process => Assert.All(process.Session.Breakpoints, breakpoint =>
            Assert.True((bool?)breakpoint["verified"] == true, $"process {process.ProcessId}: {breakpoint.ToJsonString()}")));

        if (framework.Workers == 0)
        {
            Assert.Empty(debugger.Subprocesses);
            Assert.Same(debugger.Root, visit.StoppedIn);
            return;
        }

        // gunicorn's master only supervises: a worker serves, one of the distinct workers of this site.
        var workers = debugger.Subprocesses;
        Assert.Equal(framework.Workers, workers.Select(worker => worker.ProcessId).Distinct().Count());
        Assert.True(visit.StoppedIn.IsSubprocess, $"stopped in process {visit.StoppedIn.ProcessId}, gunicorn's master, not in a worker");
        Assert.Contains(host.Process.Descendants(), process => process.Pid == visit.StoppedIn.ProcessId);
    }

    private sealed record ToolOutput(int ExitCode, IReadOnlyList<string> Output);

    /// <summary>A running <c>ptvsd attach</c> and the local endpoint debuggers connect to.</summary>
    private sealed record AttachTool(ManagedProcess Process, IPEndPoint EndPoint) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Process.DisposeAsync();
    }

    /// <summary>What one breakpoint visit saw.</summary>
    /// <param name="StoppedIn">The process whose session reported the stop.</param>
    /// <param name="HeldAtBreakpoint">The request had no response yet when the debugger stopped.</param>
    /// <param name="Greeting">The view's local <c>greeting</c> (Python repr).</param>
    /// <param name="ProcessIdAtBreakpoint"><c>os.getpid()</c> evaluated in the stopped frame.</param>
    /// <param name="Response">The response body once the debugger continued.</param>
    private sealed record Visit(DebuggedProcess StoppedIn, bool HeldAtBreakpoint, string Greeting, int ProcessIdAtBreakpoint, string Response);
}
