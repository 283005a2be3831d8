using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text.Json.Nodes;

namespace Ptvsd.Testing;

/// <summary>
/// A minimal Debug Adapter Protocol client over any <see cref="Stream"/>: a TCP connection
/// straight to debugpy, or a <see cref="BinaryWebSocketStream"/> through the proxy.
/// </summary>
/// <remarks>
/// A background loop reads every message: responses complete their request, events are
/// buffered until waited for (see <see cref="WaitForEventAsync(string, CancellationToken)"/>),
/// and reverse requests from the adapter are declined so it never waits on us.
/// </remarks>
public sealed class DapClient : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly Action<string>? _log;
    private readonly DapMessageReader _reader;
    private readonly DapMessageWriter _writer;
    private readonly DapEventQueue _events = new();
    private readonly ConcurrentDictionary<int, PendingResponse> _pending = new();
    private readonly CancellationTokenSource _disposing = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _readLoop;
    private volatile Exception? _closedReason;
    private int _seq;
    private int _disposed;

    /// <summary>Starts a client over <paramref name="stream"/>, which it owns unless <paramref name="leaveOpen"/>.</summary>
    /// <param name="stream">A readable and writable stream connected to a debug adapter.</param>
    /// <param name="log">Optional sink for a one-line trace of each message (command, seq, timing; no bodies).</param>
    /// <param name="leaveOpen">Whether to leave <paramref name="stream"/> open on dispose.</param>
    public DapClient(Stream stream, Action<string>? log = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _leaveOpen = leaveOpen;
        _log = log;
        _reader = new DapMessageReader(stream);
        _writer = new DapMessageWriter(stream);
        _readLoop = Task.Run(() => ReadLoopAsync(_disposing.Token));
    }

    /// <summary>
    /// Starts a client over a connected WebSocket (e.g. to the proxy's <c>/ptvsd</c> endpoint),
    /// sending each DAP message as one binary message. The client owns the WebSocket.
    /// </summary>
    public DapClient(WebSocket webSocket, Action<string>? log = null)
        : this(new BinaryWebSocketStream(webSocket, ownsWebSocket: true), log)
    {
    }

    /// <summary>
    /// Connects over TCP (with TCP_NODELAY, as a real client would) and starts a client.
    /// </summary>
    public static async Task<DapClient> ConnectAsync(IPEndPoint endPoint, Action<string>? log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new DapClient(new NetworkStream(socket, ownsSocket: true), log);
    }

    /// <summary>
    /// Completes when the connection has closed: successfully when the peer closed it between
    /// messages or the client was disposed, faulted when reading failed.
    /// </summary>
    public Task Completion => _completion.Task;

    /// <summary>Whether the read loop is still running (the connection has not been closed).</summary>
    public bool IsConnected => _closedReason is null;

    /// <summary>Every event received so far, in order, whether or not it was waited for.</summary>
    public IReadOnlyList<JsonObject> Events => _events.All;

    /// <summary>
    /// Sends a request and waits for its response message (the whole message; the result is in
    /// its <c>body</c>). Throws <see cref="DapRequestFailedException"/> on <c>success: false</c>.
    /// </summary>
    public async Task<JsonObject> RequestAsync(string command, JsonObject? arguments, CancellationToken cancellationToken)
    {
        var pending = await SendRequestAsync(command, arguments, cancellationToken).ConfigureAwait(false);
        return await pending.GetResponseAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends a request and returns once it is written, without waiting for the response.
    /// </summary>
    public async Task<DapPendingRequest> SendRequestAsync(string command, JsonObject? arguments, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(command);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

        var seq = Interlocked.Increment(ref _seq);
        var message = new JsonObject
        {
            ["seq"] = seq,
            ["type"] = "request",
            ["command"] = command,
        };
        if (arguments is not null)
        {
            message["arguments"] = arguments;
        }

        // Registered before writing: a fast adapter can answer before WriteAsync returns.
        var pending = new PendingResponse(command);
        _pending[seq] = pending;

        // The read loop fails everything pending when it stops; a request registered after that
        // sweep would otherwise wait forever.
        if (_closedReason is { } closed && _pending.TryRemove(seq, out _))
        {
            throw new IOException($"Cannot send DAP request '{command}': the connection is closed.", closed);
        }

        // Logged before writing so the trace never shows a response ahead of its request.
        OutputSink.Write(_log, $"DAP → {command} #{seq}");
        try
        {
            await _writer.WriteAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _pending.TryRemove(seq, out _);
            pending.Completion.TrySetException(ex);
            throw;
        }

        return new DapPendingRequest(seq, command, pending.Completion.Task);
    }

    /// <summary>
    /// Returns the oldest not-yet-claimed event named <paramref name="eventName"/>, waiting for
    /// one if none has arrived. Events are buffered from the moment the client starts, so none
    /// is missed; each is returned to one wait only.
    /// </summary>
    public Task<JsonObject> WaitForEventAsync(string eventName, CancellationToken cancellationToken) =>
        _events.WaitAsync(eventName, predicate: null, cancellationToken);

    /// <summary>
    /// Like <see cref="WaitForEventAsync(string, CancellationToken)"/>, for the oldest such event
    /// that also satisfies <paramref name="predicate"/> (others stay buffered).
    /// </summary>
    public Task<JsonObject> WaitForEventAsync(string eventName, Func<JsonObject, bool> predicate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return _events.WaitAsync(eventName, predicate, cancellationToken);
    }

    /// <summary>Stops the read loop, closes the stream (unless left open) and fails anything still waiting.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _disposing.CancelAsync().ConfigureAwait(false);
        if (!_leaveOpen)
        {
            // Closing the stream also unblocks a read that does not observe cancellation.
            await _stream.DisposeAsync().ConfigureAwait(false);
        }

        await _readLoop.ConfigureAwait(false);
        _disposing.Dispose();
    }

    private async Task ReadLoopAsync(CancellationToken cancellationToken)
    {
        Exception? failure = null;
        try
        {
            while (await _reader.ReadAsync(cancellationToken).ConfigureAwait(false) is { } message)
            {
                await DispatchAsync(message, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested)
        {
            // Disposal tears the stream down under the read; whatever that throws is not a failure.
            OutputSink.Write(_log, $"DAP read loop stopped by dispose ({ex.GetType().Name})");
        }
        catch (Exception ex)
        {
            failure = ex;
        }
        finally
        {
            await _reader.CompleteAsync().ConfigureAwait(false);
        }

        var reason = failure ?? new EndOfStreamException(
            cancellationToken.IsCancellationRequested ? "The DAP client was disposed." : "The debug adapter closed the connection.");
        Close(reason);

        if (failure is null)
        {
            OutputSink.Write(_log, $"DAP connection closed: {reason.Message}");
            _completion.TrySetResult();
        }
        else
        {
            OutputSink.Write(_log, $"DAP connection failed: {failure.GetType().Name}: {failure.Message}");
            _completion.TrySetException(failure);
        }
    }

    private async Task DispatchAsync(JsonObject message, CancellationToken cancellationToken)
    {
        switch ((string?)message["type"])
        {
            case "response":
                CompleteRequest(message);
                break;
            case "event":
                OutputSink.Write(_log, $"DAP ← event {(string?)message["event"]}");
                _events.Add(message);
                break;
            case "request":
                await DeclineReverseRequestAsync(message, cancellationToken).ConfigureAwait(false);
                break;
            default:
                throw new InvalidDataException($"Unknown DAP message type: {message.ToJsonString()}");
        }
    }

    private void CompleteRequest(JsonObject response)
    {
        var requestSeq = (int?)response["request_seq"];
        if (requestSeq is not int seq || !_pending.TryRemove(seq, out var pending))
        {
            // A response to nothing we sent means the framing or the adapter is broken; fail loudly.
            throw new InvalidDataException($"DAP response to an unknown request: {response.ToJsonString()}");
        }

        var success = (bool?)response["success"] == true;
        OutputSink.Write(_log, $"DAP ← {pending.Command} #{seq} {(success ? "ok" : "FAILED")} ({pending.Elapsed.TotalMilliseconds:F1} ms)");
        if (success)
        {
            pending.Completion.TrySetResult(response);
        }
        else
        {
            pending.Completion.TrySetException(new DapRequestFailedException(pending.Command, response));
        }
    }

    private async Task DeclineReverseRequestAsync(JsonObject request, CancellationToken cancellationToken)
    {
        // e.g. runInTerminal or startDebugging: this client implements none, and an adapter left
        // without an answer may block the whole session.
        var command = (string?)request["command"] ?? "";
        OutputSink.Write(_log, $"DAP ← reverse request {command} (declined)");
        var response = new JsonObject
        {
            ["seq"] = Interlocked.Increment(ref _seq),
            ["type"] = "response",
            ["request_seq"] = (int?)request["seq"] ?? 0,
            ["command"] = command,
            ["success"] = false,
            ["message"] = $"The test client does not support '{command}'.",
        };
        await _writer.WriteAsync(response, cancellationToken).ConfigureAwait(false);
    }

    private void Close(Exception reason)
    {
        _closedReason ??= reason;
        foreach (var seq in _pending.Keys)
        {
            if (_pending.TryRemove(seq, out var pending))
            {
                pending.Completion.TrySetException(
                    new IOException($"The DAP connection closed before '{pending.Command}' #{seq} was answered.", reason));
            }
        }

        _events.Close(reason);
    }

    private sealed class PendingResponse(string command)
    {
        private readonly long _started = Stopwatch.GetTimestamp();

        public string Command { get; } = command;

        public TaskCompletionSource<JsonObject> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_started);
    }
}
