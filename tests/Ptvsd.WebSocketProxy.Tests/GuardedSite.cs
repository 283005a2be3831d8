using Ptvsd.Testing;
using Ptvsd.WebSocketProxy.Configuration;

namespace Ptvsd.WebSocketProxy.Tests;

/// <summary>
/// The proxy in front of an app that serves its site root carelessly (<see cref="RecordingFileServer"/>), with the
/// files a Debug publish leaves in that root, a debug server and another host that nothing may reach: the bench for
/// requests that try to get past the proxy to a file, to the debug server or to somewhere else.
/// </summary>
internal sealed class GuardedSite : IAsyncDisposable
{
    /// <summary>Written into every file the proxy must never let out, so a leak shows even where the secret is not in it.</summary>
    public const string ProtectedMarker = "PROTECTED-FILE-CONTENT";

    public const string HelloText = "hello from the site root\n";

    private GuardedSite(string root, RecordingFileServer app, CountingTcpListener debugServer, CountingTcpListener otherHost, RunningProxy proxy)
    {
        Root = root;
        App = app;
        DebugServer = debugServer;
        OtherHost = otherHost;
        Proxy = proxy;
    }

    public string Root { get; }

    public RecordingFileServer App { get; }

    /// <summary>The proxy's debug server: reached only through an authenticated /ptvsd upgrade, never by a forwarded request.</summary>
    public CountingTcpListener DebugServer { get; }

    /// <summary>A server on this machine that is neither the app nor the debug server: a forwarded request must never get there.</summary>
    public CountingTcpListener OtherHost { get; }

    public RunningProxy Proxy { get; }

    public static async Task<GuardedSite> StartAsync(ITestOutputHelper output)
    {
        var root = Directory.CreateTempSubdirectory("ptvsd-guarded-site-").FullName;
        RecordingFileServer? app = null;
        CountingTcpListener? debugServer = null;
        CountingTcpListener? otherHost = null;
        try
        {
            app = new RecordingFileServer(root);
            debugServer = new CountingTcpListener();
            otherHost = new CountingTcpListener();
            var debugPort = debugServer.Port;
            var proxy = await RunningProxy.StartAsync(output, options =>
            {
                options.AppUrl = app.BaseUri;
                options.DebugServer = RunningProxy.Loopback(debugPort);
            });

            // The files are the app's to serve, so they can be written once the proxy's secret is known.
            LayOutSiteRoot(root, proxy.Secret!);
            return new GuardedSite(root, app, debugServer, otherHost, proxy);
        }
        catch
        {
            await DisposeAllAsync(app, debugServer, otherHost);
            Directory.Delete(root, recursive: true);
            throw;
        }
    }

    /// <summary>
    /// Replaces <c>{proxy}</c>, <c>{debug}</c> and <c>{other}</c> with the authorities of the proxy, the debug server
    /// and the other host.
    /// </summary>
    public string Expand(string text) => text
        .Replace("{proxy}", Proxy.BaseUri.Authority, StringComparison.Ordinal)
        .Replace("{debug}", $"127.0.0.1:{DebugServer.Port}", StringComparison.Ordinal)
        .Replace("{other}", $"127.0.0.1:{OtherHost.Port}", StringComparison.Ordinal);

    /// <summary>
    /// Sends <paramref name="request"/> (placeholders expanded) to the proxy as raw bytes and returns its one response;
    /// fails at once if the debug server or the other host accepts a connection meanwhile, since neither answers.
    /// </summary>
    public async Task<RawHttpResponse> SendAsync(string request, CancellationToken ct)
    {
        request = Expand(request);
        var response = RawHttpExchange.SendAsync(Proxy.BaseUri, request, ct);
        while (!response.IsCompleted)
        {
            Assert.False(DebugServer.AcceptedCount > 0, $"The proxy connected to the debug server for: {FirstLine(request)}");
            Assert.False(OtherHost.AcceptedCount > 0, $"The proxy connected to another host for: {FirstLine(request)}");
            await Task.WhenAny(response, Task.Delay(20, ct));
        }

        return await response;
    }

    /// <summary>A GET with a Host of the proxy's own authority, closing the connection after the response.</summary>
    public Task<RawHttpResponse> GetAsync(string target, CancellationToken ct, string method = "GET", string host = "{proxy}", string headers = "") =>
        SendAsync($"{method} {target} HTTP/1.1\r\nHost: {host}\r\n{headers}Connection: close\r\n\r\n", ct);

    /// <summary>
    /// Nothing got past the proxy: the response holds neither the secret nor a protected file, the app received
    /// no request, and no connection reached the debug server or the other host.
    /// </summary>
    public async Task AssertNothingGotPastAsync(RawHttpResponse response, CancellationToken ct)
    {
        Assert.DoesNotContain(Proxy.Secret!, response.Text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(ProtectedMarker, response.Text, StringComparison.Ordinal);

        // The response is complete, so anything forwarded has arrived by now; the pause only lets a connection
        // attempt that raced the response show up in the counts.
        await Task.Delay(200, ct);
        Assert.True(App.Requests.Count == 0, "The app received: " + string.Join(" | ", App.Requests.Select(r => r.Head)));
        Assert.Equal(0, DebugServer.AcceptedCount);
        Assert.Equal(0, OtherHost.AcceptedCount);
    }

    public async ValueTask DisposeAsync()
    {
        // The servers first: a request the proxy forwarded to one that never answers then fails at once, instead of
        // holding the proxy's shutdown for its whole grace period.
        await DisposeAllAsync(App, DebugServer, OtherHost);
        await Proxy.DisposeAsync();
        Directory.Delete(Root, recursive: true);
    }

    /// <summary>
    /// What a Debug publish leaves in a site root: web.config with the secret in its appSettings, the web.debug.config
    /// transform, the proxy and its bootstrap under ptvsd/; and ordinary files of the app beside them.
    /// </summary>
    private static void LayOutSiteRoot(string root, string secret)
    {
        var webConfig = $"""
            <?xml version="1.0" encoding="utf-8"?>
            <!-- {ProtectedMarker} -->
            <configuration>
              <appSettings>
                <add key="WSGI_PTVSD_SECRET" value="{secret}" />
              </appSettings>
            </configuration>
            """;
        Write(root, "web.config", webConfig);
        Write(root, "web.debug.config", webConfig.Replace("<configuration>", "<configuration xmlns:xdt=\"http://schemas.microsoft.com/XML-Document-Transform\">", StringComparison.Ordinal));
        Write(root, "static/web.config", webConfig);
        Write(root, "ptvsd/bootstrap/sitecustomize.py", $"# {ProtectedMarker}: the debug bootstrap\nimport os\n");
        Write(root, "ptvsd/Ptvsd.WebSocketProxy.dll", $"MZ {ProtectedMarker}: the proxy itself\n");
        Write(root, "ptvsd/x", $"{ProtectedMarker}: any file under ptvsd/\n");

        Write(root, "hello.txt", HelloText);
        Write(root, "static/site.css", "body { color: black; }\n");
        Write(root, "ptvsd-notes.txt", "not under ptvsd/\n");
        Write(root, "web.config.txt", "a different file from web.config\n");
    }

    private static void Write(string root, string relativePath, string content)
    {
        var path = Path.Combine(root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    private static string FirstLine(string request) => request.Split("\r\n")[0];

    private static async Task DisposeAllAsync(params LoopbackTcpServer?[] servers)
    {
        foreach (var server in servers)
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
        }
    }
}
