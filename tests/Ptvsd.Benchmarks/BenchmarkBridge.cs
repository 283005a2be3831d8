using System.Net;
using Ptvsd.Attach.Bridge;
using Ptvsd.Attach.Site;
using Ptvsd.Attach.Target;

namespace Ptvsd.Benchmarks;

/// <summary>
/// <c>ptvsd attach</c>'s bridge (the real <see cref="AttachBridge"/>) in this process, on a free loopback port,
/// relaying to a <see cref="BenchmarkProxy"/>. Its session lines are dropped; its error lines are kept for the report.
/// </summary>
internal sealed class BenchmarkBridge : IAsyncDisposable
{
    private readonly SiteClient _site;
    private readonly AttachBridge _bridge;
    private readonly CancellationTokenSource _stopping = new();
    private readonly StringWriter _errors = new();
    private readonly Task _running;

    public BenchmarkBridge(BenchmarkProxy proxy)
    {
        _site = new SiteClient(AttachUriArgument.Parse(proxy.AttachUri), new SiteOptions());
        _bridge = AttachBridge.Listen(new IPEndPoint(IPAddress.Loopback, 0), _site, new BridgeReport(TextWriter.Null, _errors, TimeProvider.System));
        _running = _bridge.RunAsync(_stopping.Token);
    }

    /// <summary>Where a plain TCP client connects, as a debugger would.</summary>
    public IPEndPoint EndPoint => _bridge.LocalEndPoint;

    /// <summary>What the bridge reported on stderr (a clean run has nothing).</summary>
    public IReadOnlyList<string> Errors => _errors.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _running;
        _bridge.Dispose();
        _site.Dispose();
        _stopping.Dispose();
    }
}
