using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Ptvsd.Testing;
using Ptvsd.WebSocketProxy.Authentication;
using Ptvsd.WebSocketProxy.Configuration;

namespace Ptvsd.WebSocketProxy.Tests;

/// <summary>
/// The real proxy on real Kestrel, listening on a free loopback port: in this process, or in its own process when
/// the suite runs against the single-file executable (<see cref="ProxyTarget"/>).
/// </summary>
public sealed class RunningProxy : IAsyncDisposable
{
    private const string ListeningLine = "Now listening on: ";

    private readonly Func<CancellationToken, Task> _stop;
    private readonly Func<ValueTask> _dispose;
    private readonly string _scratchFolder;

    private RunningProxy(Uri baseUri, Func<CancellationToken, Task> stop, Func<ValueTask> dispose, ProxyOptions options, CapturedLogs logs, string? secret, string scratchFolder)
    {
        BaseUri = baseUri;
        _stop = stop;
        _dispose = dispose;
        Options = options;
        Logs = logs;
        Secret = secret;
        _scratchFolder = scratchFolder;
    }

    public ProxyOptions Options { get; }

    /// <summary>What the proxy logged: through a logger provider in this process, from its output otherwise.</summary>
    public CapturedLogs Logs { get; }

    /// <summary>The secret the proxy was started with; null when its relay is closed.</summary>
    public string? Secret { get; }

    public Uri BaseUri { get; }

    public Uri DebugUri => new UriBuilder(BaseUri) { Scheme = "ws", Path = "/ptvsd" }.Uri;

    public static string NewSecret() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();

    public static async Task<RunningProxy> StartAsync(ITestOutputHelper? output, Action<ProxyOptions>? configure = null, bool withSecret = true)
    {
        var secret = withSecret ? NewSecret() : null;

        // An empty site of its own, so no stray web.config can change what the proxy reads.
        var scratchFolder = Directory.CreateTempSubdirectory("ptvsd-proxy-site-").FullName;
        var options = new ProxyOptions { Urls = ["http://127.0.0.1:0"], ContentRoot = scratchFolder };
        if (DebugSecret.TryCreate(secret, out var debugSecret, out var problem))
        {
            options.Secret = debugSecret;
        }
        else
        {
            options.RelayClosedReason = problem;
        }

        var payload = ProxyTarget.SingleFile;
        if (payload is not null)
        {
            options.BootstrapPath = Path.Combine(payload.Folder, "bootstrap");
        }

        configure?.Invoke(options);
        var logs = new CapturedLogs(output);
        try
        {
            return payload is null
                ? await StartInProcessAsync(options, logs, secret, scratchFolder)
                : await StartProcessAsync(payload, options, logs, secret, scratchFolder, TestTimeouts.Default());
        }
        catch
        {
            Directory.Delete(scratchFolder, recursive: true);
            throw;
        }
    }

    /// <summary>A debug server address on 127.0.0.1.</summary>
    public static DebugServerAddress Loopback(int port) =>
        DebugServerAddress.TryParse($"127.0.0.1:{port}", out var address, out var error) ? address : throw new ArgumentException(error);

    public static string Basic(string user, string password = "") =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    public string BasicAuthorization => Basic(Secret ?? throw new InvalidOperationException("this proxy has no secret"));

    /// <summary>Opens the debug WebSocket with the given Authorization header (the proxy's own secret when omitted).</summary>
    public async Task<ClientWebSocket> ConnectAsync(CancellationToken cancellationToken, string? authorization = null, bool keepAlive = true)
    {
        var client = new ClientWebSocket();
        client.Options.CollectHttpResponseDetails = true;
        if (!keepAlive)
        {
            client.Options.KeepAliveInterval = TimeSpan.Zero;
        }

        client.Options.SetRequestHeader("Authorization", authorization ?? BasicAuthorization);
        await client.ConnectAsync(DebugUri, cancellationToken);
        return client;
    }

    /// <summary>Tries the upgrade and returns the HTTP status the proxy answered with (101 when it was accepted).</summary>
    public async Task<(HttpStatusCode Status, string Body)> TryUpgradeAsync(string? authorization, CancellationToken cancellationToken)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(BaseUri, "ptvsd"));
        request.Headers.Connection.Add("Upgrade");
        request.Headers.Upgrade.Add(new ProductHeaderValue("websocket"));
        request.Headers.Add("Sec-WebSocket-Version", "13");
        request.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)));
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var body = response.StatusCode == HttpStatusCode.SwitchingProtocols ? "" : await response.Content.ReadAsStringAsync(cancellationToken);
        return (response.StatusCode, body);
    }

    /// <summary>The status JSON a developer with the secret sees at <c>/ptvsd?format=json</c>.</summary>
    public async Task<JsonNode> GetStatusAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = BaseUri };
        http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", BasicAuthorization);
        return JsonNode.Parse(await http.GetStringAsync("ptvsd?format=json", cancellationToken))!;
    }

    /// <summary>Shuts the proxy down as its host would (SIGTERM for a process) and waits until it has stopped.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => _stop(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _dispose();
        Directory.Delete(_scratchFolder, recursive: true);
    }

    private static async Task<RunningProxy> StartInProcessAsync(ProxyOptions options, CapturedLogs logs, string? secret, string scratchFolder)
    {
        var app = ProxyApp.Create(options, logging => logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new RunningProxy(
            new Uri(address.TrimEnd('/') + "/"),
            app.StopAsync,
            async () =>
            {
                await app.StopAsync();
                await app.DisposeAsync();
            },
            options, logs, secret, scratchFolder);
    }

    private static async Task<RunningProxy> StartProcessAsync(
        ProxyPayload payload, ProxyOptions options, CapturedLogs logs, string? secret, string scratchFolder, CancellationToken cancellationToken)
    {
        var start = ProxyCommandLine.StartInfo(payload, options, secret);
        start.Output = logs.Add;
        var process = ManagedProcess.Start(start);
        try
        {
            // Kestrel reports the port it was given for port 0; a port chosen here first could be taken meanwhile.
            var line = await process.WaitForOutputAsync(l => l.Contains(ListeningLine, StringComparison.Ordinal), TimeSpan.FromSeconds(30), cancellationToken);
            var address = line[(line.IndexOf(ListeningLine, StringComparison.Ordinal) + ListeningLine.Length)..].Trim();
            return new RunningProxy(
                new Uri(address.TrimEnd('/') + "/"),
                async ct => await process.TerminateAsync(TimeSpan.FromSeconds(30), ct),
                process.DisposeAsync,
                options, logs, secret, scratchFolder);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }
}
