using System.Net;
using Ptvsd.Testing;
using Ptvsd.WebSocketProxy.Tests;

namespace Ptvsd.Attach.Tests;

/// <summary>The proxy in its own process, as deployed, relaying to a debug server of the test's choosing.</summary>
internal sealed class ProxyProcess : IAsyncDisposable
{
    private ProxyProcess(ManagedProcess process, int port, string secret)
    {
        Process = process;
        Port = port;
        Secret = secret;
    }

    public ManagedProcess Process { get; }

    public int Port { get; }

    public string Secret { get; }

    public string AttachUri => $"ws://{Secret}@127.0.0.1:{Port}/ptvsd";

    public static async Task<ProxyProcess> StartAsync(int debugServerPort, CancellationToken ct)
    {
        var secret = RunningProxy.NewSecret();
        var port = FreePort.Get();
        var start = ProxyTarget.StartInfo(
            null,
            "--urls", $"http://127.0.0.1:{port}",
            "--debug-server", $"127.0.0.1:{debugServerPort}",
            "--content-root", AppContext.BaseDirectory);
        start.Name = "proxy";
        start.Environment["WSGI_PTVSD_SECRET"] = secret;
        var process = await ManagedProcess.StartListeningAsync(start, new IPEndPoint(IPAddress.Loopback, port), TimeSpan.FromSeconds(30), ct);
        return new ProxyProcess(process, port, secret);
    }

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
