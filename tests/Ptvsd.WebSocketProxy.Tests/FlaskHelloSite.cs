using System.Net;
using System.Text.Json.Nodes;
using Ptvsd.Testing;

namespace Ptvsd.WebSocketProxy.Tests;

/// <summary>The FlaskHello sample, the line its tests break on, and the proxy running it.</summary>
internal static class FlaskHelloSite
{
    public static string Folder => RepoPaths.Sample("FlaskHello");

    public static string AppPath => Path.Combine(Folder, "app.py");

    public static int BreakpointLine(string appPath) => SourceMarkers.LineOf(appPath);

    /// <summary>
    /// Lays a site out as a Debug publish does: the app at the root, the proxy and its bootstrap under ptvsd/,
    /// and the secret in web.config's appSettings.
    /// </summary>
    public static string Publish(string secret)
    {
        var site = Directory.CreateTempSubdirectory("ptvsd-site-").FullName;
        foreach (var file in Directory.EnumerateFiles(Folder).Where(f => !f.EndsWith(".config", StringComparison.Ordinal)))
        {
            File.Copy(file, Path.Combine(site, Path.GetFileName(file)));
        }

        ProxyTarget.CopyTo(Directory.CreateDirectory(Path.Combine(site, "ptvsd")).FullName);

        File.WriteAllText(Path.Combine(site, "web.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <appSettings>
                <add key="WSGI_PTVSD_SECRET" value="{secret}" />
              </appSettings>
            </configuration>
            """);
        return site;
    }

    /// <summary>
    /// Starts the proxy in this process, running FlaskHello with the bootstrap; returns once debugpy listens (seen in
    /// the listener table, never by connecting), the bootstrap reports that it was debugpy that took the port, and the
    /// app answers through the proxy.
    /// </summary>
    /// <remarks>
    /// The debug port is one the OS just called free, and other test processes take ports too: if one of them takes
    /// it first, debugpy cannot listen (the bootstrap says so) while the listener table shows the other process's
    /// listener. Such a start is retried on a new port rather than tested against a stranger's socket.
    /// </remarks>
    /// <param name="appEnvironment">Variables to set for the app alone (through env(1), so the test process's stay as they are).</param>
    public static async Task<RunningProxy> StartProxyAsync(ITestOutputHelper output, CancellationToken ct, IReadOnlyDictionary<string, string>? appEnvironment = null)
    {
        const int attempts = 3;
        for (var attempt = 1; ; attempt++)
        {
            var proxy = await StartProxyOnceAsync(output, appEnvironment, ct);
            var bootstrapError = await BootstrapErrorAsync(proxy, ct);
            if (bootstrapError is null)
            {
                return proxy;
            }

            await proxy.DisposeAsync();
            if (attempt == attempts)
            {
                throw new InvalidOperationException($"debugpy could not listen in {attempts} attempts; last: {bootstrapError}");
            }

            output.WriteLine($"debugpy could not listen ({bootstrapError}); starting again on another port");
        }
    }

    private static async Task<RunningProxy> StartProxyOnceAsync(ITestOutputHelper output, IReadOnlyDictionary<string, string>? appEnvironment, CancellationToken ct)
    {
        var python = PythonEnvironment.Require();
        var debugPort = FreePort.Get();
        var proxy = await RunningProxy.StartAsync(output, options =>
        {
            options.ContentRoot = Folder;
            options.AppCommand = appEnvironment is null
                ? [python.Path, "app.py"]
                : ["/usr/bin/env", .. appEnvironment.Select(variable => $"{variable.Key}={variable.Value}"), python.Path, "app.py"];
            options.DebugServer = RunningProxy.Loopback(debugPort);
        });

        try
        {
            await TcpListenerTable.WaitUntilListeningAsync(new IPEndPoint(IPAddress.Loopback, debugPort), TimeSpan.FromSeconds(30), ct);
            await ProxiedApp.WaitUntilServingAsync(proxy.BaseUri, ct);
            return proxy;
        }
        catch
        {
            await proxy.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits for the bootstrap's report (it names the debugpy version either way) and returns its error, if any.</summary>
    private static async Task<string?> BootstrapErrorAsync(RunningProxy proxy, CancellationToken ct)
    {
        JsonNode status;
        while ((status = await proxy.GetStatusAsync(ct))["versions"]?["debugpy"] is null && status["debugServer"]?["bootstrapError"] is null)
        {
            await Task.Delay(50, ct);
        }

        return (string?)status["debugServer"]?["bootstrapError"];
    }

    /// <summary>
    /// Attaches over whatever <paramref name="connect"/> opens (retrying while debugpy still holds a previous client),
    /// stops a request at the breakpoint, reads a local, continues, checks the response and detaches.
    /// </summary>
    /// <returns>The app's process id, evaluated at the breakpoint.</returns>
    /// <param name="atBreakpoint">Runs while the request is held, with the stopped thread's id.</param>
    public static async Task<int> BreakInHelloAsync(
        Func<CancellationToken, Task<DapClient>> connect, Uri appBaseUri, string name, CancellationToken ct, Func<DebugSession, int, Task>? atBreakpoint = null)
    {
        await using var session = await DebugSession.ConnectAndAttachAsync(connect, [(AppPath, BreakpointLine(AppPath))], TimeSpan.FromSeconds(10), ct);
        Assert.True((bool?)session.Breakpoints.Single()["verified"]);

        using var http = new HttpClient { BaseAddress = appBaseUri };
        var request = http.GetStringAsync($"/?name={name}", ct);
        var threadId = await session.WaitForStopAsync(ct);
        Assert.False(request.IsCompleted, "the request should be held at the breakpoint");
        Assert.Equal($"'{name}'", await session.EvaluateInTopFrameAsync(threadId, "name", ct));
        var processId = int.Parse(await session.EvaluateInTopFrameAsync(threadId, "os.getpid()", ct), System.Globalization.CultureInfo.InvariantCulture);
        if (atBreakpoint is not null)
        {
            await atBreakpoint(session, threadId);
        }

        await session.ContinueAsync(threadId, ct);

        Assert.Equal($"Hello, {name}!", await request);
        await session.DisconnectAsync(ct);
        return processId;
    }
}
