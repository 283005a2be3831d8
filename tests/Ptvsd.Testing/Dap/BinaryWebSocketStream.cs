using System.Net.WebSockets;

namespace Ptvsd.Testing;

/// <summary>
/// A byte <see cref="Stream"/> over a <see cref="WebSocket"/>: each write is sent as one binary
/// message, and reads return message payloads back to back, ignoring message boundaries —
/// the same view the proxy's relay has of the debug connection.
/// </summary>
/// <remarks>
/// <para>
/// .NET 10's own <see cref="System.Net.WebSockets.WebSocketStream"/> does the same reads and
/// writes, but its dispose runs the full close handshake and waits for the peer's close frame
/// (measured: the whole 16 s default timeout when the peer does not answer). A test that drops a
/// client to simulate a vanished debugger needs the socket gone at once, so this type only sends
/// its close frame. Its name differs so that files importing both namespaces still compile.
/// </para>
/// <para>
/// One read and one write may run at the same time (the WebSocket allows one receive and one
/// send in flight); concurrent writes must be serialized by the caller, as <see cref="DapClient"/> does.
/// </para>
/// </remarks>
public sealed class BinaryWebSocketStream : Stream
{
    // Bounds the close handshake on dispose: a peer that never answers must not hang a test.
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    private readonly WebSocket _webSocket;
    private readonly bool _ownsWebSocket;
    private bool _disposed;

    /// <summary>Wraps <paramref name="webSocket"/>, which must be open.</summary>
    /// <param name="webSocket">An open WebSocket (client or server side).</param>
    /// <param name="ownsWebSocket">Whether disposing the stream disposes the WebSocket.</param>
    public BinaryWebSocketStream(WebSocket webSocket, bool ownsWebSocket = true)
    {
        ArgumentNullException.ThrowIfNull(webSocket);
        _webSocket = webSocket;
        _ownsWebSocket = ownsWebSocket;
    }

    /// <summary>The wrapped WebSocket, e.g. to read its close status after the stream ended.</summary>
    public WebSocket WebSocket => _webSocket;

    /// <inheritdoc />
    public override bool CanRead => !_disposed;

    /// <inheritdoc />
    public override bool CanWrite => !_disposed;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>
    /// Reads the next bytes of the current or next message. Returns 0 once the peer has sent a
    /// close frame, like a TCP stream at end of data.
    /// </summary>
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (true)
        {
            if (_webSocket.State is WebSocketState.CloseReceived or WebSocketState.Closed)
            {
                return 0;
            }

            var result = await _webSocket.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return 0;
            }

            // An empty data frame is legal; returning 0 for it would read as end of stream.
            if (result.Count > 0)
            {
                return result.Count;
            }
        }
    }

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Sends <paramref name="buffer"/> as one complete binary message.</summary>
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _webSocket.SendAsync(buffer, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Nothing to flush: every write is already a complete message on the wire.</summary>
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public override void Flush()
    {
    }

    // The synchronous members exist because Stream requires them; everything in this library is
    // async, so blocking on the async path is acceptable here.

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Closes the WebSocket with a normal close handshake (bounded in time), then disposes it if owned.</summary>
    public override async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            await TryCloseOutputAsync().ConfigureAwait(false);
        }
        finally
        {
            if (_ownsWebSocket)
            {
                _webSocket.Dispose();
            }

            await base.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Sends our close frame; returns false if the peer was already gone or not answering.</summary>
    private async Task<bool> TryCloseOutputAsync()
    {
        if (_webSocket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return false;
        }

        try
        {
            // Close-output only: waiting for the peer's close frame would need a receive, which
            // may already be pending in a reader that is being torn down.
            using var timeout = new CancellationTokenSource(CloseTimeout);
            await _webSocket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            // A failed goodbye is not a test failure: the socket is disposed either way and
            // there is nobody left to tell.
            return false;
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        base.Dispose(disposing);
    }
}
