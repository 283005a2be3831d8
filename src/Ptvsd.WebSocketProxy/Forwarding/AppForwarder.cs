using System.Globalization;
using System.Net;
using Ptvsd.WebSocketProxy.App;
using Yarp.ReverseProxy.Forwarder;

namespace Ptvsd.WebSocketProxy.Forwarding;

/// <summary>
/// Forwards every request that is not for /ptvsd to the Python app, and only to it: YARP's forwarder streams bodies
/// both ways, drops hop-by-hop headers and passes the app's own WebSockets through; the destination is always the
/// app's origin and the target the checked <see cref="RequestTarget"/>.
/// </summary>
public sealed partial class AppForwarder(
    AppSupervisor app,
    IHttpForwarder forwarder,
    AppRequestTransformer transformer,
    ForwardingLimiter limiter,
    ProxyHop hop,
    ILogger<AppForwarder> logger) : IDisposable
{
    /// <summary>
    /// How long a forwarded request may see no traffic either way before it is cut. Long, because a request held at a
    /// breakpoint is silent for as long as the developer looks around (App Service's front end gives up after 230 s);
    /// bounded, because a request the app never answers would otherwise hold its sockets forever.
    /// </summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(30);

    private static readonly ForwarderRequestConfig RequestConfig = new()
    {
        ActivityTimeout = IdleTimeout,
        Version = HttpVersion.Version11,
        VersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };

    // No redirects, cookies, decompression or trace headers of its own: the proxy is transparent.
    private readonly HttpMessageInvoker _client = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        ActivityHeadersPropagator = null,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
    });

    private const long SaturationLogInterval = 10_000;
    private long _lastSaturationLog = -SaturationLogInterval;

    public async Task ForwardAsync(HttpContext context, RequestTarget target)
    {
        // 1. A request that carries this proxy's own mark has come round again.
        if (hop.HasPassedThrough(context.Request))
        {
            Log.LoopRefused(logger, context.Request.Method, target.Path);
            await ProxyAnswer.WriteAsync(context, StatusCodes.Status508LoopDetected,
                "This request has already passed through this proxy: the app's address leads back to the proxy. Point --app-url at the app itself.");
            return;
        }

        // 2. Is there an app to forward to, and is it up?
        var status = app.Status;
        if (status.State == AppState.None)
        {
            await ProxyAnswer.WriteAsync(context, StatusCodes.Status404NotFound,
                "This proxy serves only /ptvsd: no app was given. Start it with '-- <app command>' or --app-url URL to forward other requests.");
            return;
        }

        if (!status.CanForward || status.Url is null)
        {
            await ProxyAnswer.WriteAsync(context, StatusCodes.Status502BadGateway, $"The app is not available right now ({Describe(status)}). Retry in a moment.");
            return;
        }

        // 3. Room for one more request in flight?
        if (!limiter.TryEnter())
        {
            LogSaturated();
            context.Response.Headers.RetryAfter = "1";
            await ProxyAnswer.WriteAsync(context, StatusCodes.Status503ServiceUnavailable,
                string.Create(CultureInfo.InvariantCulture, $"The proxy is already forwarding {limiter.Maximum} requests, its limit. Retry in a moment."));
            return;
        }

        // 4. Forward to the app's origin; the transformer sets the target.
        try
        {
            context.Features.Set(target);
            var error = await forwarder.SendAsync(context, status.Url.GetLeftPart(UriPartial.Authority), _client, RequestConfig, transformer, context.RequestAborted);
            if (error != ForwarderError.None)
            {
                await ReportFailureAsync(context, target, error);
            }
        }
        finally
        {
            limiter.Exit();
        }
    }

    // A flood would otherwise write a log line per refused request.
    private void LogSaturated()
    {
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastSaturationLog);
        if (now - last >= SaturationLogInterval && Interlocked.CompareExchange(ref _lastSaturationLog, now, last) == last)
        {
            Log.Saturated(logger, limiter.Maximum);
        }
    }

    private async Task ReportFailureAsync(HttpContext context, RequestTarget target, ForwarderError error)
    {
        // A client that gave up (wrk ending a run mid-response, a browser leaving a page) is no failure of the app's.
        if (error is ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.ResponseBodyCanceled)
        {
            Log.ClientGaveUp(logger, context.Request.Method, target.Path);
            return;
        }

        var problem = context.GetForwarderErrorFeature()?.Exception?.Message ?? error.ToString();
        Log.ForwardFailed(logger, context.Request.Method, target.Path, error, problem);

        // YARP has chosen the status (502, 504, 400 for a client that broke off its body); say why in a line, unless
        // the response is under way, in which case the connection has already been cut.
        if (!context.Response.HasStarted && context.Response.StatusCode >= StatusCodes.Status500InternalServerError)
        {
            await ProxyAnswer.WriteAsync(context, context.Response.StatusCode, $"The app did not answer ({error}). Retry in a moment.");
        }
    }

    private static string Describe(AppStatus status) => status.State switch
    {
        AppState.Starting => "it is starting",
        AppState.Restarting => $"it {status.LastExit ?? "exited"} and is being restarted",
        AppState.Stopped => "the proxy is stopping",
        _ => status.State.ToString().ToLowerInvariant(),
    };

    public void Dispose() => _client.Dispose();

    private static partial class Log
    {
        [LoggerMessage(30, LogLevel.Warning, "Forwarding {Method} {Path} to the app failed ({Error}): {Problem}", EventName = "ForwardFailed")]
        public static partial void ForwardFailed(ILogger logger, string method, string path, ForwarderError error, string problem);

        [LoggerMessage(31, LogLevel.Warning, "Refused {Method} {Path}: it has already passed through this proxy (a forwarding loop)", EventName = "ForwardLoopRefused")]
        public static partial void LoopRefused(ILogger logger, string method, string path);

        [LoggerMessage(33, LogLevel.Debug, "The client of {Method} {Path} went away before the app answered", EventName = "ForwardCanceled")]
        public static partial void ClientGaveUp(ILogger logger, string method, string path);

        [LoggerMessage(32, LogLevel.Warning, "Refusing requests: {MaxForwardedRequests} requests are being forwarded already (logged at most every 10 s)", EventName = "ForwardSaturated")]
        public static partial void Saturated(ILogger logger, int maxForwardedRequests);
    }
}
