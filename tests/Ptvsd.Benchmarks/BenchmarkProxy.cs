using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Ptvsd.WebSocketProxy;
using Ptvsd.WebSocketProxy.App;
using Ptvsd.WebSocketProxy.Authentication;
using Ptvsd.WebSocketProxy.Configuration;

namespace Ptvsd.Benchmarks;

/// <summary>
/// The real proxy (<see cref="ProxyApp"/> on Kestrel) in this process, on a free loopback port, with a
/// fresh secret; logging only warnings, into <see cref="ProxyWarnings"/>.
/// </summary>
internal sealed class BenchmarkProxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _authorization;

    private BenchmarkProxy(WebApplication app, string secret)
    {
        _app = app;
        _authorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(secret + ":"));
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        BaseUri = new Uri(address.TrimEnd('/') + "/");
        DebugUri = new UriBuilder(BaseUri) { Scheme = "ws", Path = DebugEndpoint.Path }.Uri;
        AttachUri = $"ws://{secret}@{BaseUri.Authority}{DebugEndpoint.Path}";
    }

    /// <summary>Where the proxy forwards requests to the app.</summary>
    public Uri BaseUri { get; }

    /// <summary>The authenticated debug WebSocket endpoint.</summary>
    public Uri DebugUri { get; }

    /// <summary>The attach URI with the secret, as a Debug publish prints it, for <c>ptvsd attach</c>.</summary>
    public string AttachUri { get; }

    /// <summary>The app the proxy supervises (when started with an app command).</summary>
    public AppSupervisor App => _app.Services.GetRequiredService<AppSupervisor>();

    /// <summary>Starts a proxy relaying to <paramref name="debugServerPort"/> on 127.0.0.1.</summary>
    /// <param name="debugServerPort">Where the relay dials: an echo server, or debugpy inside the app.</param>
    /// <param name="warnings">Collects the proxy's warnings and errors.</param>
    /// <param name="configure">Further options, e.g. the app command.</param>
    /// <param name="cancellationToken">Cancels start-up.</param>
    public static async Task<BenchmarkProxy> StartAsync(
        int debugServerPort, ProxyWarnings warnings, Action<ProxyOptions>? configure, CancellationToken cancellationToken)
    {
        var secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        if (!DebugSecret.TryCreate(secret, out var debugSecret, out var problem))
        {
            throw new InvalidOperationException($"The generated secret was refused: {problem}");
        }

        if (!DebugServerAddress.TryParse($"127.0.0.1:{debugServerPort}", out var debugServer, out var error))
        {
            throw new InvalidOperationException($"Bad debug server address: {error}");
        }

        var options = new ProxyOptions
        {
            Urls = ["http://127.0.0.1:0"],
            ContentRoot = Path.GetTempPath(),
            Secret = debugSecret,
            DebugServer = debugServer,
        };
        configure?.Invoke(options);

        // Warning and above only: the relay logs each session at Information, and console output inside a
        // measured loop would cost time and tear the table apart.
        var app = ProxyApp.Create(options, logging => logging
            .ClearProviders()
            .AddProvider(warnings)
            .SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning));
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new BenchmarkProxy(app, secret);
    }

    /// <summary>Opens the debug WebSocket, authenticated with the proxy's secret.</summary>
    public Task<ClientWebSocket> ConnectAsync(CancellationToken cancellationToken) =>
        WebSocketClient.ConnectAsync(DebugUri, _authorization, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        // Stopping the host stops the app supervisor, which kills the app's whole process tree.
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
