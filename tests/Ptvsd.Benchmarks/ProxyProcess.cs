using System.Net;
using System.Reflection;
using System.Security.Cryptography;
using Ptvsd.Testing;
using Ptvsd.WebSocketProxy;
using Ptvsd.WebSocketProxy.Configuration;

namespace Ptvsd.Benchmarks;

/// <summary>
/// The proxy in its own process, as a host runs the framework-dependent payload: <c>dotnet Ptvsd.WebSocketProxy.dll</c>
/// (the build beside this program, which the project reference keeps current) forwarding to an app already running.
/// Its own process so that its CPU time can be read apart from the load generator's and the app's.
/// </summary>
internal sealed class ProxyProcess : IAsyncDisposable
{
    private const string AssemblyName = "Ptvsd.WebSocketProxy";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    // The console logger's single-line level names for Warning, Error and Critical.
    private static readonly string[] ProblemLevels = [" warn: ", " fail: ", " crit: "];

    private readonly ManagedProcess _process;

    private ProxyProcess(ManagedProcess process, Uri url, string secret)
    {
        _process = process;
        Url = url;
        Authorization = "Bearer " + secret;
    }

    /// <summary>The assembly that runs.</summary>
    public static string AssemblyPath => Path.Combine(AppContext.BaseDirectory, AssemblyName + ".dll");

    /// <summary>The build configuration the assembly was compiled in (Release under <c>./build.sh bench</c>).</summary>
    public static string BuildConfiguration =>
        typeof(ProxyApp).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "unknown configuration";

    /// <summary>Where the proxy listens.</summary>
    public Uri Url { get; }

    /// <summary>The debug endpoint's WebSocket address.</summary>
    public Uri DebugUri => new UriBuilder(Url) { Scheme = "ws", Path = DebugEndpoint.Path }.Uri;

    /// <summary>The Authorization header that opens a debug session.</summary>
    public string Authorization { get; }

    /// <summary>The proxy's process: <c>dotnet</c> runs the assembly in itself.</summary>
    public int ProcessId => _process.Id;

    /// <summary>The warnings and errors the proxy logged so far; a clean run has none.</summary>
    public IReadOnlyList<string> Problems =>
        [.. _process.Output.Where(line => ProblemLevels.Any(level => line.Contains(level, StringComparison.Ordinal)))];

    /// <summary>Starts the proxy on a free loopback port, forwarding to <paramref name="app"/>.</summary>
    public static Task<ProxyProcess> StartAsync(Uri app, CancellationToken cancellationToken) =>
        StartAsync(["--app-url", app.GetLeftPart(UriPartial.Authority)], cancellationToken);

    /// <summary>Starts the proxy on a free loopback port, relaying debug sessions to <paramref name="debugServer"/>, with no app.</summary>
    public static Task<ProxyProcess> StartRelayAsync(IPEndPoint debugServer, CancellationToken cancellationToken) =>
        StartAsync(["--debug-server", debugServer.ToString()], cancellationToken);

    private static async Task<ProxyProcess> StartAsync(string[] arguments, CancellationToken cancellationToken)
    {
        var endPoint = FreePort.GetEndPoint();
        var start = new ManagedProcessStartInfo("dotnet", [AssemblyPath, "--urls", $"http://{endPoint}", .. arguments])
        {
            Name = AssemblyName,
        };

        // It forwards without one too, but a Debug publish always has a secret, and without one the proxy runs
        // with its relay closed: not the configuration a developer's requests go through.
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        start.Environment[ProxyOptionsLoader.SecretVariable] = secret;
        start.Environment["DOTNET_NOLOGO"] = "1";

        var process = await ManagedProcess.StartListeningAsync(start, endPoint, StartTimeout, cancellationToken);

        return new ProxyProcess(process, new Uri($"http://{endPoint}/"), secret);
    }

    /// <summary>Kills the proxy.</summary>
    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
