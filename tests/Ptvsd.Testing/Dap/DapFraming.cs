using System.Text;
using System.Text.Json.Nodes;

namespace Ptvsd.Testing;

/// <summary>The Debug Adapter Protocol's framing: a <c>Content-Length</c> header, a blank line, the JSON body.</summary>
public static class DapFraming
{
    /// <summary>One message, header and body in one buffer.</summary>
    public static byte[] Encode(JsonObject message)
    {
        var body = Encoding.UTF8.GetBytes(message.ToJsonString());
        return [.. Encoding.ASCII.GetBytes($"Content-Length: {body.Length}\r\n\r\n"), .. body];
    }
}
