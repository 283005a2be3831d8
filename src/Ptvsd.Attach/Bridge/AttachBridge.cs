using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Ptvsd.Attach.Site;

namespace Ptvsd.Attach.Bridge;

/// <summary>
/// The local side of <c>ptvsd attach</c>: listens on a TCP port and runs one <see cref="BridgeSession"/> per
/// accepted connection until stopped, then closes every session cleanly.
/// </summary>
internal sealed class AttachBridge : IDisposable
{
    // Each session closes within its own drain limits; this bounds a stop even if one of them misbehaves.
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    private readonly Socket _listener;
    private readonly SiteClient _site;
    private readonly BridgeReport _report;
    private readonly ConcurrentDictionary<int, Task> _sessions = new();
    private int _lastSessionId;

    private AttachBridge(Socket listener, SiteClient site, BridgeReport report)
    {
        _listener = listener;
        _site = site;
        _report = report;
        LocalEndPoint = (IPEndPoint)listener.LocalEndPoint!;
    }

    /// <summary>Where debuggers connect; the port is the one the OS chose when asked for port 0.</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>How many sessions are running (including connections that have not sent anything yet).</summary>
    public int ActiveSessions => _sessions.Count;

    /// <summary>Binds and listens at once, so a port in use is known before anything is printed.</summary>
    /// <exception cref="SocketException">The address cannot be bound (in use, not this machine's, not permitted).</exception>
    public static AttachBridge Listen(IPEndPoint endPoint, SiteClient site, BridgeReport report)
    {
        var listener = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endPoint.Address.Equals(IPAddress.IPv6Any))
            {
                listener.DualMode = true;
            }

            listener.Bind(endPoint);
            listener.Listen();
            return new AttachBridge(listener, site, report);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    /// <summary>Accepts debuggers until <paramref name="stopping"/> fires, then waits for every session to close.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        while (true)
        {
            Socket debugger;
            try
            {
                debugger = await _listener.AcceptAsync(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }

            debugger.NoDelay = true;
            var id = Interlocked.Increment(ref _lastSessionId);

            // Registered before it starts, so a session that ends at once is still removed.
            var session = new Task<Task>(() => RunSessionAsync(id, debugger, stopping));
            _sessions[id] = session.Unwrap();
            session.Start(TaskScheduler.Default);
        }

        _listener.Close();
        _report.Stopping(_sessions.Count);
        try
        {
            await Task.WhenAll(_sessions.Values).WaitAsync(StopTimeout, CancellationToken.None);
        }
        catch (TimeoutException)
        {
            // Sessions still open now are dropped with the process; each has already been told to close.
            _report.StopTimedOut(_sessions.Count, StopTimeout);
        }

        _report.Stopped();
    }

    public void Dispose() => _listener.Dispose();

    private async Task RunSessionAsync(int id, Socket debugger, CancellationToken stopping)
    {
        try
        {
            using (debugger)
            {
                await new BridgeSession(id, debugger, _site, _report).RunAsync(stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping may cut a session short anywhere; it has nothing left to report.
            return;
        }
        catch (Exception ex)
        {
            // A bug in one session must not take down the bridge and every other session with it; it is reported.
            _report.Failed(id, ex);
        }
        finally
        {
            _sessions.TryRemove(id, out _);
        }
    }
}
