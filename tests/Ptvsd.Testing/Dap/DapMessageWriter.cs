using System.Text.Json.Nodes;

namespace Ptvsd.Testing;

/// <summary>
/// Writes Debug Adapter Protocol messages to a stream, one at a time.
/// </summary>
internal sealed class DapMessageWriter
{
    private readonly Stream _stream;

    // Requests may be sent from several tasks at once (e.g. a test continuing one thread while
    // evaluating in another); interleaved bytes would corrupt the framing. Never disposed:
    // without AvailableWaitHandle it holds no OS handle, and disposing it under a write still in
    // flight would make that write's Release throw.
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    public DapMessageWriter(Stream stream)
    {
        _stream = stream;
    }

    public async Task WriteAsync(JsonObject message, CancellationToken cancellationToken)
    {
        // Header and body in one write: one TCP send (no Nagle/delayed-ACK stall between the two
        // halves) and one binary message when the stream is a BinaryWebSocketStream.
        var frame = DapFraming.Encode(message);

        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _stream.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }
}
