using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Ptvsd.Testing;

/// <summary>A published site started the way a host starts it, with the debug proxy as its front door.</summary>
public sealed class RunningSite : IAsyncDisposable
{
    private RunningSite(ManagedProcess process, Uri baseUri)
    {
        Process = process;
        BaseUri = baseUri;
    }

    /// <summary>The process the host started (the proxy, or a script that execs it).</summary>
    public ManagedProcess Process { get; }

    /// <summary>The site's address, e.g. http://127.0.0.1:PORT/.</summary>
    public Uri BaseUri { get; }

    /// <summary>
    /// Starts <paramref name="start"/> (its working directory the site root) with <c>PORT</c> set to a free port,
    /// the debug server on a free loopback port and no inherited <c>WSGI_PTVSD_SECRET</c>, so the secret can only
    /// come from the site's web.config. Returns once the proxy listens, debugpy listens (seen in the listener
    /// table, never by connecting) and the app answers through the proxy.
    /// </summary>
    public static Task<RunningSite> StartAsync(ManagedProcessStartInfo start, CancellationToken cancellationToken) =>
        StartAsync(start, FreePort.Get(), cancellationToken);

    /// <summary>
    /// Like <see cref="StartAsync(ManagedProcessStartInfo, CancellationToken)"/>, on the given <paramref name="port"/>:
    /// for a site whose attach URI was fixed at publish time (<c>PtvsdSiteUrl</c>).
    /// </summary>
    public static async Task<RunningSite> StartAsync(ManagedProcessStartInfo start, int port, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        var debugPort = FreePort.Get();
        start.Environment["PORT"] = port.ToString(CultureInfo.InvariantCulture);
        start.Environment["WSGI_PTVSD_ADDRESS"] = $"127.0.0.1:{debugPort}";
        start.Environment["WSGI_PTVSD_SECRET"] = null;

        var process = ManagedProcess.Start(start);
        try
        {
            await process.WaitUntilListeningAsync(new IPEndPoint(IPAddress.Any, port), TimeSpan.FromSeconds(60), cancellationToken);
            await TcpListenerTable.WaitUntilListeningAsync(new IPEndPoint(IPAddress.Loopback, debugPort), TimeSpan.FromSeconds(60), cancellationToken);
            var site = new RunningSite(process, new Uri($"http://127.0.0.1:{port}/"));
            await ProxiedApp.WaitUntilServingAsync(site.BaseUri, cancellationToken);
            return site;
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>The proxy's status for a client holding <paramref name="secret"/>: the app, the debug server, the sessions.</summary>
    public async Task<JsonNode> GetStatusAsync(string secret, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = BaseUri };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return JsonNode.Parse(await http.GetStringAsync("ptvsd?format=json", cancellationToken))
            ?? throw new InvalidDataException("The proxy's status is JSON null.");
    }

    /// <summary>Stops the site and its app.</summary>
    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
