using System.Net;
using Ptvsd.Testing;

namespace Ptvsd.Benchmarks;

/// <summary>
/// websockify from Debian's package, the reference WebSocket-to-TCP relay: its own process, plain ws:// on loopback,
/// relaying every connection to one TCP address. No authentication, so it does less per message than the proxy.
/// </summary>
internal sealed class WebsockifyRelay : IAsyncDisposable
{
    public const string Executable = "websockify";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly ManagedProcess _process;

    private WebsockifyRelay(ManagedProcess process, Uri url)
    {
        _process = process;
        Url = url;
    }

    /// <summary>Where websockify listens.</summary>
    public Uri Url { get; }

    /// <summary>Starts websockify relaying to <paramref name="target"/>, or returns null when it is not installed.</summary>
    public static async Task<WebsockifyRelay?> StartAsync(IPEndPoint target, CancellationToken cancellationToken)
    {
        if (ExecutableSearch.Find(Executable) is not { } path)
        {
            return null;
        }

        var endPoint = FreePort.GetEndPoint();
        var start = new ManagedProcessStartInfo(path, endPoint.ToString(), target.ToString()) { Name = Executable };
        var process = await ManagedProcess.StartListeningAsync(start, endPoint, StartTimeout, cancellationToken);
        return new WebsockifyRelay(process, new Uri($"ws://{endPoint}/"));
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
