using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Ptvsd.WebSocketProxy.Authentication;
using Ptvsd.WebSocketProxy.Configuration;

namespace Ptvsd.WebSocketProxy.Tests;

/// <summary>The real proxy on real Kestrel, in this process, listening on a free loopback port.</summary>
public sealed class RunningProxy : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RunningProxy(WebApplication app, ProxyOptions options, CapturedLogs logs, string? secret)
    {
        _app = app;
        Options = options;
        Logs = logs;
        Secret = secret;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseUri = new Uri(address.EndsWith('/') ? address : address + "/");
    }

    public ProxyOptions Options { get; }

    public CapturedLogs Logs { get; }

    /// <summary>The secret the proxy was started with; null when its relay is closed.</summary>
    public string? Secret { get; }

    public Uri BaseUri { get; }

    public Uri DebugUri => new UriBuilder(BaseUri) { Scheme = "ws", Path = "/ptvsd" }.Uri;

    public IServiceProvider Services => _app.Services;

    public static string NewSecret() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();

    public static async Task<RunningProxy> StartAsync(ITestOutputHelper? output, Action<ProxyOptions>? configure = null, bool withSecret = true)
    {
        var secret = withSecret ? NewSecret() : null;
        var options = new ProxyOptions { Urls = ["http://127.0.0.1:0"], ContentRoot = Path.GetTempPath() };
        if (secret is not null && DebugSecret.TryCreate(secret, out var debugSecret, out _))
        {
            options.Secret = debugSecret;
        }
        else
        {
            options.RelayClosedReason = "no WSGI_PTVSD_SECRET is configured";
        }

        configure?.Invoke(options);
        var logs = new CapturedLogs(output);
        var app = ProxyApp.Create(options, logging => logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        await app.StartAsync();
        return new RunningProxy(app, options, logs, secret);
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

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
