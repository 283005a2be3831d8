using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebSockets;
using Ptvsd.WebSocketProxy.App;
using Ptvsd.WebSocketProxy.Authentication;
using Ptvsd.WebSocketProxy.Configuration;
using Ptvsd.WebSocketProxy.Forwarding;
using Ptvsd.WebSocketProxy.Relay;
using Ptvsd.WebSocketProxy.Status;

namespace Ptvsd.WebSocketProxy;

/// <summary>Wires the proxy together: <c>/ptvsd</c> served here, everything else forwarded to the app.</summary>
public static class ProxyApp
{
    public static WebApplication Create(ProxyOptions options, Action<ILoggingBuilder>? configureLogging = null)
    {
        // The content root is the site, but the proxy reads nothing from it through ASP.NET Core's configuration:
        // the site's appsettings.json belongs to the Python app.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = options.ContentRoot });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;

            // Keeps each request's head as sent: Kestrel's parsed Connection header can lose the names a client lists.
            kestrel.ConfigureEndpointDefaults(endpoint => endpoint.Use(RequestHeadRecorder.Middleware));

            // Bodies are streamed to the app, never buffered here, so their size is the app's business. Kestrel's header
            // timeout and minimum data rates stay: a client that trickles its headers or its body is cut, which frees
            // the app's worker that was reading it. A body the app stops reading (at a breakpoint) pauses the rate
            // check, and upgraded connections (the debug session, the app's WebSockets) are never rate-limited.
            kestrel.Limits.MaxRequestBodySize = null;
        });
        builder.WebHost.UseUrls([.. options.Urls]);

        // Every request is a few socket reads and writes that wait on the app, so the cost per request is mostly the
        // hand-offs between the socket threads and the thread pool (measured: half of the proxy's CPU per forwarded
        // request). Running Kestrel's continuations on the socket thread, with the runtime's sockets doing the same
        // (Program sets DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS), saves those hand-offs. Safe because nothing on
        // a request's path blocks: it is all asynchronous I/O and short computation.
        builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = true);
        builder.Services.AddRoutingCore();
        builder.Services.AddWebSockets(_ => { });

        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss ";
        });
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);

        // The forwarder's own failure messages carry stack traces; AppForwarder logs each failure as one line instead.
        builder.Logging.AddFilter("Yarp", LogLevel.Error);

        // Start-up failures (a port in use) are reported by Program as one line; the host would add a stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        configureLogging?.Invoke(builder.Logging);

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(BootstrapReport.ForThisProcess());
        builder.Services.AddSingleton<AuthFailureThrottle>();
        builder.Services.AddSingleton<DebugAuthenticator>();
        builder.Services.AddSingleton<SessionLimiter>();
        builder.Services.AddSingleton<DebugServerProbe>();
        builder.Services.AddSingleton<DebugServerHealth>();
        builder.Services.AddSingleton<DebugSessionRelay>();
        builder.Services.AddSingleton<ProxyStatus>();
        builder.Services.AddSingleton<DebugEndpoint>();
        builder.Services.AddSingleton<RestartEndpoint>();
        builder.Services.AddSingleton<AppSupervisor>();
        builder.Services.AddHostedService(services => services.GetRequiredService<AppSupervisor>());
        builder.Services.AddHttpForwarder();
        builder.Services.AddSingleton<ProxyHop>();
        builder.Services.AddSingleton<ForwardingLimiter>();
        builder.Services.AddSingleton<AppRequestTransformer>();
        builder.Services.AddSingleton<AppForwarder>();

        var app = builder.Build();
        app.UseWebSockets();
        app.Run(context => Route(context, app.Services));
        return app;
    }

    private static Task Route(HttpContext context, IServiceProvider services)
    {
        // 1. One reading of the target for everything below: routing, the protected names and what is forwarded.
        var request = context.Request;
        var rawTarget = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
        if (!RequestTarget.TryRead(rawTarget, request.Path, request.QueryString, out var target, out var problem))
        {
            return ProxyAnswer.WriteAsync(context, StatusCodes.Status400BadRequest, $"Bad request: {problem}.");
        }

        // The Host header is passed on to the app and shown on the status page: it must be a host and a real port.
        if (!IsValidHost(request.Host))
        {
            return ProxyAnswer.WriteAsync(context, StatusCodes.Status400BadRequest, "Bad request: the Host header is not a host name or address with an optional port (1-65535).");
        }

        RequestHeadRecorder.StopOnUpgrade(context);

        // 2. The proxy's own endpoint.
        if (target.Path.Equals(DebugEndpoint.Path, StringComparison.OrdinalIgnoreCase) || target.Path.Equals(DebugEndpoint.Path + "/", StringComparison.OrdinalIgnoreCase))
        {
            return services.GetRequiredService<DebugEndpoint>().HandleAsync(context);
        }

        if (target.Path.Equals(RestartEndpoint.Path, StringComparison.OrdinalIgnoreCase))
        {
            return services.GetRequiredService<RestartEndpoint>().HandleAsync(context);
        }

        // 3. Files that hold the secret's verifier or the proxy itself are never handed to the app, which might serve
        //    them as static files.
        if (ProtectedPaths.IsProtected(target.Path))
        {
            return ProxyAnswer.WriteAsync(context, StatusCodes.Status404NotFound, "Not found.");
        }

        // 4. Everything else goes to the app.
        return services.GetRequiredService<AppForwarder>().ForwardAsync(context, target);
    }

    private static bool IsValidHost(HostString host)
    {
        if (!host.HasValue)
        {
            // HTTP/1.0 may leave it out; the forwarder then names the app's own address.
            return true;
        }

        var name = host.Host.StartsWith('[') && host.Host.EndsWith(']') ? host.Host[1..^1] : host.Host;
        var portPart = host.Value!.Length > host.Host.Length ? host.Value[(host.Host.Length + 1)..] : null;
        return Uri.CheckHostName(name) != UriHostNameType.Unknown
            && (portPart is null || (host.Port is > 0 and <= 65535 && portPart.All(char.IsAsciiDigit)));
    }
}
