using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;

namespace Ptvsd.WebSocketProxy.Forwarding;

/// <summary>
/// Keeps the last bytes Kestrel has consumed on an HTTP/1.x connection, so that a request's head can be read as the
/// client sent it. Kestrel rewrites a Connection header whose only option it knows is keep-alive, close or upgrade to
/// that option alone (<c>Connection: keep-alive, X-Foo</c> reads as <c>keep-alive</c>; see Kestrel's
/// <c>HttpHeaders.ParseConnection</c>), which hides the header names a client marks as this hop's only. When a request
/// reaches the app, Kestrel has consumed exactly through the end of its head, so the head is the tail of these bytes.
/// </summary>
public sealed class RequestHeadRecorder : PipeReader
{
    /// <summary>Kestrel's default limits on the request line (8 KiB) and the headers (32 KiB), with room to spare.</summary>
    public const int Capacity = 48 * 1024;

    private static readonly object ItemsKey = typeof(RequestHeadRecorder);

    private readonly PipeReader _inner;
    private readonly byte[] _ring = new byte[Capacity];
    private ReadOnlySequence<byte> _lastBuffer;
    private volatile bool _stopped;
    private int _end;
    private int _length;

    private RequestHeadRecorder(PipeReader inner) => _inner = inner;

    /// <summary>A connection middleware that puts a recorder in front of the connection's input.</summary>
    public static ConnectionDelegate Middleware(ConnectionDelegate next) => async connection =>
    {
        var transport = connection.Transport;
        var recorder = new RequestHeadRecorder(transport.Input);
        connection.Items[ItemsKey] = recorder;
        connection.Transport = new RecordedPipe(recorder, transport.Output);
        try
        {
            await next(connection);
        }
        finally
        {
            connection.Transport = transport;
        }
    };

    /// <summary>The recorder of the connection <paramref name="items"/> belong to, if it has one.</summary>
    public static RequestHeadRecorder? Of(IDictionary<object, object?>? items) =>
        items is not null && items.TryGetValue(ItemsKey, out var recorder) ? recorder as RequestHeadRecorder : null;

    /// <summary>
    /// Stops recording once <paramref name="context"/>'s upgrade is accepted: after a 101 the connection carries a
    /// debug session or the app's WebSocket, never another request head, and copying its bytes would only slow the relay.
    /// </summary>
    public static void StopOnUpgrade(HttpContext context)
    {
        if (context.Features.Get<IHttpUpgradeFeature>()?.IsUpgradableRequest != true
            || Of(context.Features.Get<IConnectionItemsFeature>()?.Items) is not { } recorder)
        {
            return;
        }

        context.Response.OnStarting(() =>
        {
            if (context.Response.StatusCode == StatusCodes.Status101SwitchingProtocols)
            {
                recorder._stopped = true;
            }

            return Task.CompletedTask;
        });
    }

    /// <summary>The last <paramref name="count"/> consumed bytes (fewer if fewer are held), oldest first.</summary>
    public byte[] Tail(int count)
    {
        lock (_ring)
        {
            var length = Math.Min(count, _length);
            var tail = new byte[length];
            var start = (_end - length + Capacity) % Capacity;
            var first = Math.Min(length, Capacity - start);
            _ring.AsSpan(start, first).CopyTo(tail);
            _ring.AsSpan(0, length - first).CopyTo(tail.AsSpan(first));
            return tail;
        }
    }

    /// <summary>How many consumed bytes are held.</summary>
    public int Length
    {
        get
        {
            lock (_ring)
            {
                return _length;
            }
        }
    }

    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        var result = await _inner.ReadAsync(cancellationToken);
        _lastBuffer = result.Buffer;
        return result;
    }

    public override bool TryRead(out ReadResult result)
    {
        if (!_inner.TryRead(out result))
        {
            return false;
        }

        _lastBuffer = result.Buffer;
        return true;
    }

    public override void AdvanceTo(SequencePosition consumed)
    {
        Record(consumed);
        _inner.AdvanceTo(consumed);
    }

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        Record(consumed);
        _inner.AdvanceTo(consumed, examined);
    }

    public override void CancelPendingRead() => _inner.CancelPendingRead();

    public override void Complete(Exception? exception = null) => _inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => _inner.CompleteAsync(exception);

    private void Record(SequencePosition consumed)
    {
        if (_stopped)
        {
            return;
        }

        var bytes = _lastBuffer.Slice(0, consumed);
        if (bytes.Length > Capacity)
        {
            bytes = bytes.Slice(bytes.Length - Capacity);
        }

        lock (_ring)
        {
            foreach (var segment in bytes)
            {
                var span = segment.Span;
                while (!span.IsEmpty)
                {
                    var count = Math.Min(span.Length, Capacity - _end);
                    span[..count].CopyTo(_ring.AsSpan(_end));
                    _end = (_end + count) % Capacity;
                    _length = Math.Min(Capacity, _length + count);
                    span = span[count..];
                }
            }
        }

        _lastBuffer = default;
    }

    private sealed class RecordedPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
