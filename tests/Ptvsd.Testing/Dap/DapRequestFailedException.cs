using System.Text.Json.Nodes;

namespace Ptvsd.Testing;

/// <summary>
/// A DAP request was answered with <c>success: false</c>. The message carries the adapter's
/// own explanation (e.g. debugpy's "already being debugged") so a failing test says why.
/// </summary>
public sealed class DapRequestFailedException : Exception
{
    /// <summary>Creates the exception from the failed response.</summary>
    public DapRequestFailedException(string command, JsonObject response)
        : base(Describe(command, response))
    {
        Command = command;
        Response = response;
    }

    /// <summary>The command of the failed request, e.g. <c>attach</c>.</summary>
    public string Command { get; }

    /// <summary>The whole response message as the adapter sent it.</summary>
    public JsonObject Response { get; }

    private static string Describe(string command, JsonObject response)
    {
        // The short "message" is often just an id; the detailed text lives in body.error.format.
        var message = (string?)response["message"];
        var detail = (string?)response["body"]?["error"]?["format"];
        var text = (message, detail) switch
        {
            (null or "", null or "") => "(no message)",
            (null or "", _) => detail,
            (_, null or "") => message,
            _ when detail!.Contains(message!, StringComparison.Ordinal) => detail,
            _ => $"{message}: {detail}",
        };
        return $"DAP request '{command}' failed: {text}";
    }
}
