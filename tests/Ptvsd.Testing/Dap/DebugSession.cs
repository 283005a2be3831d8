using System.Net;
using System.Text.Json.Nodes;

namespace Ptvsd.Testing;

/// <summary>
/// The debugger flow the tests repeat: attach with breakpoints, wait for a stop, look at a
/// value, continue, detach — over a <see cref="DapClient"/>, with debugpy's quirks handled.
/// </summary>
public sealed class DebugSession : IAsyncDisposable
{
    private static readonly TimeSpan BusyRetryDelay = TimeSpan.FromMilliseconds(100);

    private readonly string _clientId;

    /// <summary>Wraps an existing client; the session owns it and disposes it.</summary>
    /// <param name="client">A client connected to a debug adapter.</param>
    /// <param name="clientId">The <c>clientID</c> sent in <c>initialize</c>.</param>
    public DebugSession(DapClient client, string clientId = "ptvsd-tests")
    {
        ArgumentNullException.ThrowIfNull(client);
        Client = client;
        _clientId = clientId;
    }

    /// <summary>Connects to a debug adapter over TCP and returns a session that is not attached yet.</summary>
    public static async Task<DebugSession> ConnectAsync(IPEndPoint endPoint, Action<string>? log, CancellationToken cancellationToken)
    {
        var client = await DapClient.ConnectAsync(endPoint, log, cancellationToken).ConfigureAwait(false);
        return new DebugSession(client);
    }

    /// <summary>
    /// Connects and attaches, retrying on a fresh connection while debugpy still refuses with
    /// "already being debugged". That refusal is expected for a moment after a previous client
    /// vanished without <c>disconnect</c> (measured here: an attach right after a dropped
    /// connection was refused, the retry succeeded; 0.3–0.4 s in all). A refusal that lasts past
    /// <paramref name="busyTimeout"/> is rethrown.
    /// </summary>
    /// <param name="connect">Opens a new client per attempt (TCP, or a WebSocket through the proxy).</param>
    /// <param name="breakpoints">As for <see cref="AttachAsync(IReadOnlyList{ValueTuple{string, int}}, CancellationToken)"/>.</param>
    /// <param name="busyTimeout">How long to keep retrying while the debuggee is busy with another client.</param>
    /// <param name="cancellationToken">Cancels connecting and attaching.</param>
    public static async Task<DebugSession> ConnectAndAttachAsync(
        Func<CancellationToken, Task<DapClient>> connect,
        IReadOnlyList<(string Path, int Line)> breakpoints,
        TimeSpan busyTimeout,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connect);
        var deadline = DateTimeOffset.UtcNow + busyTimeout;
        while (true)
        {
            var session = new DebugSession(await connect(cancellationToken).ConfigureAwait(false));
            try
            {
                await session.AttachAsync(breakpoints, cancellationToken).ConfigureAwait(false);
                return session;
            }
            catch (DapRequestFailedException ex) when (IsAlreadyBeingDebugged(ex) && DateTimeOffset.UtcNow < deadline)
            {
                // The refused connection is of no further use; debugpy only frees the debuggee
                // once it has noticed the old client is gone, so try again on a new one.
                await session.DisposeAsync().ConfigureAwait(false);
                await Task.Delay(BusyRetryDelay, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await session.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <summary>The underlying client, for requests and events this type does not cover.</summary>
    public DapClient Client { get; }

    /// <summary>The breakpoints as the adapter reported them in the last <see cref="AttachAsync(IReadOnlyList{ValueTuple{string, int}}, CancellationToken)"/>.</summary>
    public IReadOnlyList<JsonObject> Breakpoints { get; private set; } = [];

    /// <summary>The adapter's capabilities (the <c>initialize</c> response body), once attached.</summary>
    public JsonObject? Capabilities { get; private set; }

    /// <summary>
    /// Runs the whole attach handshake: <c>initialize</c>, <c>attach</c>, one
    /// <c>setBreakpoints</c> per file, <c>configurationDone</c>, and the <c>attach</c> response.
    /// </summary>
    /// <param name="breakpoints">Source breakpoints as absolute file path and 1-based line.</param>
    /// <param name="cancellationToken">Cancels the handshake.</param>
    /// <returns>The breakpoints as the adapter reported them (check <c>verified</c>), in file order.</returns>
    public Task<IReadOnlyList<JsonObject>> AttachAsync(
        IReadOnlyList<(string Path, int Line)> breakpoints, CancellationToken cancellationToken) =>
        AttachAsync(breakpoints, new JsonObject { ["justMyCode"] = false }, cancellationToken);

    /// <summary>
    /// Runs the attach handshake with the given <c>attach</c> arguments, e.g. the body of a
    /// <c>debugpyAttach</c> event, whose <c>subProcessId</c> attaches to that subprocess.
    /// </summary>
    /// <param name="breakpoints">Source breakpoints as absolute file path and 1-based line.</param>
    /// <param name="attachArguments">The <c>attach</c> request's arguments, sent as given.</param>
    /// <param name="cancellationToken">Cancels the handshake.</param>
    /// <returns>The breakpoints as the adapter reported them (check <c>verified</c>), in file order.</returns>
    public async Task<IReadOnlyList<JsonObject>> AttachAsync(
        IReadOnlyList<(string Path, int Line)> breakpoints, JsonObject attachArguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(breakpoints);
        ArgumentNullException.ThrowIfNull(attachArguments);

        var initialize = await Client.RequestAsync("initialize", new JsonObject
        {
            ["clientID"] = _clientId,
            ["clientName"] = "Ptvsd.Testing",
            ["adapterID"] = "debugpy",
            ["pathFormat"] = "path",
            ["linesStartAt1"] = true,
            ["columnsStartAt1"] = true,
            ["supportsVariableType"] = true,
            ["supportsRunInTerminalRequest"] = false,
        }, cancellationToken).ConfigureAwait(false);
        Capabilities = initialize["body"] as JsonObject ?? [];

        // debugpy answers attach only after configurationDone, so it must not be awaited here.
        // A copy: a JSON node belongs to one parent, and the caller's may sit in an event it received.
        var attach = await Client.SendRequestAsync("attach", attachArguments.DeepClone().AsObject(), cancellationToken).ConfigureAwait(false);

        // DAP says configuration starts at the 'initialized' event. An adapter that refuses the
        // attach (debugpy: "already being debugged") answers at once and never sends it.
        var initialized = Client.WaitForEventAsync("initialized", cancellationToken);
        var attachResponse = attach.GetResponseAsync(cancellationToken);
        if (await Task.WhenAny(initialized, attachResponse).ConfigureAwait(false) == attachResponse)
        {
            await attachResponse.ConfigureAwait(false);
        }
        else
        {
            await initialized.ConfigureAwait(false);
        }

        var reported = new List<JsonObject>();
        foreach (var file in breakpoints.GroupBy(b => b.Path, StringComparer.Ordinal))
        {
            var response = await Client.RequestAsync("setBreakpoints", new JsonObject
            {
                ["source"] = new JsonObject { ["path"] = file.Key },
                ["breakpoints"] = new JsonArray([.. file.Select(b => (JsonNode)new JsonObject { ["line"] = b.Line })]),
            }, cancellationToken).ConfigureAwait(false);
            reported.AddRange(response["body"]?["breakpoints"]?.AsArray().OfType<JsonObject>() ?? []);
        }

        await Client.RequestAsync("configurationDone", null, cancellationToken).ConfigureAwait(false);
        await attachResponse.ConfigureAwait(false);
        Breakpoints = reported;
        return reported;
    }

    /// <summary>Waits for the next <c>stopped</c> event (breakpoint, step, pause) and returns its thread id.</summary>
    public async Task<int> WaitForStopAsync(CancellationToken cancellationToken)
    {
        var stopped = await Client.WaitForEventAsync("stopped", cancellationToken).ConfigureAwait(false);
        return (int?)stopped["body"]?["threadId"]
            ?? throw new InvalidDataException($"A 'stopped' event without a threadId: {stopped.ToJsonString()}");
    }

    /// <summary>
    /// Evaluates <paramref name="expression"/> in the top stack frame of a stopped thread and
    /// returns the adapter's display string (for a Python str that is its repr, quotes included).
    /// </summary>
    public Task<string> EvaluateInTopFrameAsync(int threadId, string expression, CancellationToken cancellationToken) =>
        EvaluateInTopFrameAsync(threadId, expression, "watch", cancellationToken);

    /// <summary>
    /// Evaluates <paramref name="expression"/> in the top stack frame of a stopped thread, in the
    /// given DAP evaluate context.
    /// </summary>
    /// <param name="threadId">A thread id from <see cref="WaitForStopAsync"/>.</param>
    /// <param name="expression">A Python expression.</param>
    /// <param name="context"><c>watch</c> (expressions only) or <c>repl</c> (statements too).</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    public async Task<string> EvaluateInTopFrameAsync(int threadId, string expression, string context, CancellationToken cancellationToken)
    {
        var stack = await Client.RequestAsync("stackTrace", new JsonObject
        {
            ["threadId"] = threadId,
            ["startFrame"] = 0,
            ["levels"] = 1,
        }, cancellationToken).ConfigureAwait(false);
        var frameId = (int?)stack["body"]?["stackFrames"]?[0]?["id"]
            ?? throw new InvalidDataException($"Thread {threadId} has no stack frames: {stack.ToJsonString()}");

        var evaluate = await Client.RequestAsync("evaluate", new JsonObject
        {
            ["expression"] = expression,
            ["frameId"] = frameId,
            ["context"] = context,
        }, cancellationToken).ConfigureAwait(false);
        return (string?)evaluate["body"]?["result"]
            ?? throw new InvalidDataException($"An evaluate response without a result: {evaluate.ToJsonString()}");
    }

    /// <summary>Resumes a stopped thread.</summary>
    public Task ContinueAsync(int threadId, CancellationToken cancellationToken) =>
        Client.RequestAsync("continue", new JsonObject { ["threadId"] = threadId }, cancellationToken);

    /// <summary>
    /// Detaches without stopping the app (<c>terminateDebuggee: false</c>), so it keeps serving and
    /// can be attached again. Breakpoints are removed by the adapter; stopped threads resume.
    /// </summary>
    public Task DisconnectAsync(CancellationToken cancellationToken) =>
        Client.RequestAsync("disconnect", new JsonObject
        {
            ["restart"] = false,
            ["terminateDebuggee"] = false,
        }, cancellationToken);

    private static bool IsAlreadyBeingDebugged(DapRequestFailedException exception) =>
        exception.Message.Contains("already being debugged", StringComparison.OrdinalIgnoreCase);

    /// <summary>Closes the connection (without a <c>disconnect</c> request if none was sent).</summary>
    public ValueTask DisposeAsync() => Client.DisposeAsync();
}
