using Ptvsd.WebSocketProxy;
using Ptvsd.WebSocketProxy.App;
using Ptvsd.WebSocketProxy.Configuration;

// Socket completions on the socket threads, as Kestrel's are (see ProxyApp): read once, when the first socket is made,
// so it is set before anything else runs. A value the host set is left alone.
const string InlineSocketCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
if (Environment.GetEnvironmentVariable(InlineSocketCompletions) is null)
{
    Environment.SetEnvironmentVariable(InlineSocketCompletions, "1");
}

if (ProxyOptionsLoader.IsHelpRequested(args))
{
    Console.WriteLine(ProxyOptionsLoader.Usage);
    return 0;
}

ProxyOptions options;
try
{
    options = ProxyOptionsLoader.Load(args, Environment.GetEnvironmentVariables());
}
catch (ProxyConfigurationException ex)
{
    Console.Error.WriteLine($"ptvsd proxy: {ex.Message}");
    return 2;
}

// Orphans of the app's tree (debugpy's adapter daemonizes) become the proxy's, to be ended with the tree.
AppProcessTree.BecomeSubreaper();

var app = ProxyApp.Create(options);
var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Ptvsd.WebSocketProxy");
if (options.Secret is null)
{
    StartupLog.RelayClosed(logger, options.RelayClosedReason);
}

StartupLog.Starting(logger, options.DebugServer.ToString(),
    options.AppUrl?.ToString() ?? (options.AppCommand.Count > 0 ? "started by the proxy" : "none (serving /ptvsd only)"), string.Join(", ", options.Urls));

try
{
    await app.RunAsync();
    return 0;
}
catch (IOException ex) when (ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
{
    Console.Error.WriteLine($"ptvsd proxy: cannot listen on {string.Join(", ", options.Urls)}: the address is in use. Choose another with --urls.");
    return 1;
}

internal static partial class StartupLog
{
    [LoggerMessage(1, LogLevel.Warning, "The debug relay is closed: {Reason}", EventName = "RelayClosed")]
    public static partial void RelayClosed(ILogger logger, string? reason);

    [LoggerMessage(2, LogLevel.Information, "Debug server {DebugServer}; app {AppMode}; listening on {Urls}", EventName = "ProxyStarting")]
    public static partial void Starting(ILogger logger, string debugServer, string appMode, string urls);
}
