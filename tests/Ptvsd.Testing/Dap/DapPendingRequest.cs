using System.Text.Json.Nodes;

namespace Ptvsd.Testing;

/// <summary>
/// A request that has been sent but whose response may not have arrived yet.
/// </summary>
/// <remarks>
/// Needed because debugpy answers <c>attach</c> only after <c>configurationDone</c>: the client
/// must send <c>attach</c>, then configure breakpoints, and only then wait for the answer.
/// </remarks>
public sealed class DapPendingRequest
{
    private readonly Task<JsonObject> _response;

    internal DapPendingRequest(int seq, string command, Task<JsonObject> response)
    {
        Seq = seq;
        Command = command;
        _response = response;
    }

    /// <summary>The sequence number the request was sent with.</summary>
    public int Seq { get; }

    /// <summary>The request's command, e.g. <c>attach</c>.</summary>
    public string Command { get; }

    /// <summary>Whether the response (or a failure) has arrived.</summary>
    public bool IsCompleted => _response.IsCompleted;

    /// <summary>
    /// Waits for the response message (the whole message; its <c>body</c> holds the result).
    /// Throws <see cref="DapRequestFailedException"/> if the adapter answered <c>success: false</c>.
    /// Cancelling only stops this wait; the response is still collected when it arrives.
    /// </summary>
    public Task<JsonObject> GetResponseAsync(CancellationToken cancellationToken) =>
        _response.WaitAsync(cancellationToken);
}
