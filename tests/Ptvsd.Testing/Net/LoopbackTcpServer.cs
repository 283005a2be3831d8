using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Ptvsd.Testing;

/// <summary>
/// Base for the fake TCP servers: listens on 127.0.0.1 on a port of the OS's choosing,
/// counts accepted connections and runs one handler per connection until disposed.
/// </summary>
public abstract class LoopbackTcpServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Socket, Task> _connections = new();
    private readonly Task _acceptLoop;
    private int _acceptedCount;
    private int _disposed;

    /// <summary>Starts listening and accepting at once.</summary>
    protected LoopbackTcpServer()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        EndPoint = (IPEndPoint)_listener.LocalEndpoint;
        _acceptLoop = Task.Run(() => AcceptLoopAsync(_stopping.Token));
    }

    /// <summary>Where the server listens (127.0.0.1 and its port).</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>The port the server listens on.</summary>
    public int Port => EndPoint.Port;

    /// <summary>How many connections have been accepted so far.</summary>
    public int AcceptedCount => Volatile.Read(ref _acceptedCount);

    /// <summary>How many accepted connections are still open.</summary>
    public int OpenCount => _connections.Count;

    /// <summary>Waits until at least <paramref name="count"/> connections have been accepted.</summary>
    public async Task WaitForAcceptedAsync(int count, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            while (AcceptedCount < count)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(10), timeoutSource.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{GetType().Name} on {EndPoint} accepted {AcceptedCount} of {count} connections within {timeout.TotalSeconds:0.#} s.");
        }
    }

    /// <summary>Stops accepting, closes every open connection and waits for the handlers to finish.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        await _acceptLoop.ConfigureAwait(false);

        foreach (var socket in _connections.Keys)
        {
            // Closing the socket ends a handler blocked in a read that ignores cancellation.
            socket.Dispose();
        }

        await Task.WhenAll(_connections.Values).ConfigureAwait(false);
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Serves one accepted connection until the peer closes it or <paramref name="cancellationToken"/>
    /// fires (on dispose). The socket is closed afterwards by the base class.
    /// </summary>
    protected abstract Task HandleConnectionAsync(Socket socket, CancellationToken cancellationToken);

    private async Task AcceptLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // Dispose stopped the listener under the accept.
                return;
            }

            socket.NoDelay = true;
            Interlocked.Increment(ref _acceptedCount);
            // Registered before it starts, so a connection that ends at once is still removed.
            var serve = new Task<Task>(() => ServeAsync(socket, cancellationToken));
            _connections[socket] = serve.Unwrap();
            serve.Start(TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(Socket socket, CancellationToken cancellationToken)
    {
        try
        {
            await HandleConnectionAsync(socket, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A reset by the peer or our own dispose ends the connection; for a fake server
            // either is simply the end of that connection, not an error of the test.
            return;
        }
        finally
        {
            socket.Dispose();
            _connections.TryRemove(socket, out _);
        }
    }
}
