using Microsoft.AspNetCore.WebSockets;
using Ptvsd.WebSocketProxy.App;
using Ptvsd.WebSocketProxy.Authentication;
using Ptvsd.WebSocketProxy.Configuration;
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

            // Request bodies are streamed to the app; a breakpoint may hold one for as long as the developer needs.
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Limits.MinRequestBodyDataRate = null;
            kestrel.Limits.MinResponseDataRate = null;
        });
        builder.WebHost.UseUrls([.. options.Urls]);
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
        builder.Services.AddSingleton<DebugSessionRelay>();
        builder.Services.AddSingleton<ProxyStatus>();
        builder.Services.AddSingleton<DebugEndpoint>();
        builder.Services.AddSingleton<AppSupervisor>();
        builder.Services.AddHostedService(services => services.GetRequiredService<AppSupervisor>());
        builder.Services.AddSingleton<AppForwarder>();

        var app = builder.Build();
        app.UseWebSockets();
        app.Run(context => Route(context, app.Services));
        return app;
    }

    private static Task Route(HttpContext context, IServiceProvider services)
    {
        var path = context.Request.Path;
        if (path.Equals(DebugEndpoint.Path, StringComparison.OrdinalIgnoreCase) || path.Equals(DebugEndpoint.Path + "/", StringComparison.OrdinalIgnoreCase))
        {
            return services.GetRequiredService<DebugEndpoint>().HandleAsync(context);
        }

        if (IsProtectedPath(path))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        return services.GetRequiredService<AppForwarder>().ForwardAsync(context);
    }

    /// <summary>
    /// The proxy's own files and the web.config files that hold the secret are never handed to the app, which
    /// might serve them as static files.
    /// </summary>
    internal static bool IsProtectedPath(PathString path)
    {
        var value = (path.Value ?? "").TrimEnd('.', ' ', '/');
        return value.StartsWith(DebugEndpoint.Path + "/", StringComparison.OrdinalIgnoreCase)
            || value.EndsWith("/web.config", StringComparison.OrdinalIgnoreCase)
            || value.EndsWith("/web.debug.config", StringComparison.OrdinalIgnoreCase);
    }
}
