using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Ptvsd.Attach.Target;
using Ptvsd.Contract;

namespace Ptvsd.Attach.Site;

/// <summary>
/// Every request to the site goes through here, so each one gets the same treatment: the secret only in the
/// <c>Authorization</c> header and only where asked for, the instance-affinity cookie, TCP_NODELAY, the TLS policy
/// the user chose, and no redirects (following one would carry the secret to wherever it points).
/// </summary>
internal sealed class SiteClient : IDisposable
{
    /// <summary>How often an idle session pings the proxy, so front ends do not drop a session paused at a breakpoint.</summary>
    public static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(ProxyContract.KeepAliveSeconds);

    /// <summary>A proxy that answers no ping for this long is taken for gone (the proxy uses the same rule for clients).</summary>
    public static readonly TimeSpan KeepAliveTimeout = ProxyContract.KeepAliveMissedPings * KeepAliveInterval;

    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(15);

    private const int MaxBodyLength = 64 * 1024;

    private static readonly string UserAgent = $"ptvsd/{ToolVersion.Current}";

    private readonly SiteOptions _options;
    private readonly SocketsHttpHandler _handler;
    private readonly HttpMessageInvoker _invoker;

    public SiteClient(AttachUri target, SiteOptions options)
    {
        Target = target;
        _options = options;
        _handler = new SocketsHttpHandler
        {
            // The affinity cookie is set on every request by hand; nothing the site sets should change where we go.
            UseCookies = false,
            AllowAutoRedirect = false,
            ConnectTimeout = RequestTimeout,
            ConnectCallback = ConnectWithoutDelayAsync,
        };

        if (options.Insecure)
        {
            // --insecure is the user's explicit choice for a site with a self-signed certificate; the secret still
            // travels only in the Authorization header of that connection.
#pragma warning disable CA5359
            _handler.SslOptions.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
#pragma warning restore CA5359
        }

        _invoker = new HttpMessageInvoker(_handler, disposeHandler: false);
    }

    public AttachUri Target { get; }

    /// <summary>
    /// Opens the debug WebSocket with the secret. A refusal or a failure to reach the site is a
    /// <see cref="SiteException"/> carrying its <see cref="Diagnosis"/>.
    /// </summary>
    public async Task<WebSocket> ConnectAsync(CancellationToken cancellationToken)
    {
        var webSocket = new ClientWebSocket();
        webSocket.Options.CollectHttpResponseDetails = true;
        webSocket.Options.KeepAliveInterval = KeepAliveInterval;
        webSocket.Options.KeepAliveTimeout = KeepAliveTimeout;
        webSocket.Options.SetRequestHeader("Authorization", Target.Authorization);
        webSocket.Options.SetRequestHeader("User-Agent", UserAgent);
        if (AffinityCookie is { } cookie)
        {
            webSocket.Options.SetRequestHeader("Cookie", cookie);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            await webSocket.ConnectAsync(Target.WebSocketUri, _invoker, timeout.Token);
            return webSocket;
        }
        catch (Exception ex) when ((ex is WebSocketException or HttpRequestException or OperationCanceledException) && !cancellationToken.IsCancellationRequested)
        {
            var status = webSocket.HttpStatusCode;
            var retryAfter = RetryAfter(webSocket.HttpResponseHeaders);
            var refusal = Header(webSocket.HttpResponseHeaders, ProxyContract.RefusalHeader);
            webSocket.Dispose();
            throw new SiteException(status == 0
                ? Diagnosis.Unreachable(ex, Target.Host, Target.Authority, RequestTimeout)
                : Diagnosis.SessionRefused(status, retryAfter, refusal));
        }
        catch
        {
            webSocket.Dispose();
            throw;
        }
    }

    /// <summary><c>GET /ptvsd?format=json</c>, with the secret or without it.</summary>
    public Task<SiteResponse> GetStatusAsync(bool withSecret, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Target.StatusUri);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return SendAsync(request, withSecret, cancellationToken);
    }

    /// <summary><c>POST /ptvsd/restart</c> with the secret: the proxy restarts the app and its debugger.</summary>
    public Task<SiteResponse> PostRestartAsync(CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, Target.RestartUri), withSecret: true, cancellationToken);

    /// <summary>
    /// A WebSocket upgrade request to /ptvsd without credentials, answered like any request: the status tells
    /// whether the upgrade reached the proxy. No credentials, so it can never open a relay, and never counts as a
    /// failed login against the proxy's throttle.
    /// </summary>
    public Task<SiteResponse> TryUpgradeWithoutSecretAsync(CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Target.DebugEndpointUri);
        request.Headers.Connection.Add("Upgrade");
        request.Headers.Upgrade.Add(new ProductHeaderValue("websocket"));
        request.Headers.Add("Sec-WebSocket-Version", "13");
        request.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)));
        return SendAsync(request, withSecret: false, cancellationToken);
    }

    public void Dispose()
    {
        _invoker.Dispose();
        _handler.Dispose();
    }

    private string? AffinityCookie =>
        // App Service's front end routes a request carrying its affinity cookie to that instance. It sets the cookie
        // twice (ARRAffinitySameSite for browsers that need SameSite=None); either one pins the instance.
        _options.Instance is { } instance ? $"ARRAffinity={instance}; ARRAffinitySameSite={instance}" : null;

    private async Task<SiteResponse> SendAsync(HttpRequestMessage request, bool withSecret, CancellationToken cancellationToken)
    {
        using (request)
        {
            request.Headers.UserAgent.ParseAdd(UserAgent);
            if (withSecret)
            {
                request.Headers.TryAddWithoutValidation("Authorization", Target.Authorization);
            }

            if (AffinityCookie is { } cookie)
            {
                request.Headers.TryAddWithoutValidation("Cookie", cookie);
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(RequestTimeout);
            try
            {
                using var response = await _invoker.SendAsync(request, timeout.Token);
                var body = response.StatusCode == HttpStatusCode.SwitchingProtocols ? "" : await ReadBodyAsync(response.Content, timeout.Token);
                return new SiteResponse(
                    response.StatusCode,
                    body,
                    string.Join(", ", response.Headers.WwwAuthenticate),
                    RetryAfter(response.Headers.RetryAfter),
                    response.Headers.Location);
            }
            catch (Exception ex) when ((ex is HttpRequestException or IOException or OperationCanceledException) && !cancellationToken.IsCancellationRequested)
            {
                throw new SiteException(Diagnosis.Unreachable(ex, Target.Host, Target.Authority, RequestTimeout));
            }
        }
    }

    private static async Task<string> ReadBodyAsync(HttpContent content, CancellationToken cancellationToken)
    {
        // Bounded: whatever answers may be a large page (or endless); a diagnosis needs its first lines at most.
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[MaxBodyLength];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
        {
            length += read;
        }

        return Encoding.UTF8.GetString(buffer, 0, length);
    }

    private static TimeSpan? RetryAfter(RetryConditionHeaderValue? header) => header?.Delta;

    private static TimeSpan? RetryAfter(IReadOnlyDictionary<string, IEnumerable<string>>? headers) =>
        int.TryParse(Header(headers, "Retry-After"), out var seconds) ? TimeSpan.FromSeconds(seconds) : null;

    private static string? Header(IReadOnlyDictionary<string, IEnumerable<string>>? headers, string name) =>
        headers is not null && headers.TryGetValue(name, out var values) ? values.FirstOrDefault() : null;

    private static async ValueTask<Stream> ConnectWithoutDelayAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        // A debugger sends small requests and waits for each answer: Nagle's algorithm would hold every one back.
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
