using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json.Nodes;

namespace Ptvsd.Testing;

/// <summary>
/// Reads Debug Adapter Protocol messages (<c>Content-Length</c> framed JSON) from a stream.
/// </summary>
/// <remarks>
/// A pipe rather than a <see cref="StreamReader"/>: the header is ASCII but the body length
/// counts bytes, and a body may arrive split over many TCP segments or WebSocket messages.
/// </remarks>
internal sealed class DapMessageReader
{
    private static ReadOnlySpan<byte> HeaderTerminator => "\r\n\r\n"u8;
    private const string ContentLengthHeader = "Content-Length";

    // debugpy's messages are small, but a variables dump of a big object can reach megabytes;
    // a cap still catches a peer that is not speaking DAP at all (e.g. an HTML error page).
    private const int MaxHeaderBytes = 8 * 1024;
    private const int MaxBodyBytes = 64 * 1024 * 1024;

    private readonly PipeReader _reader;

    public DapMessageReader(Stream stream)
    {
        _reader = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
    }

    /// <summary>Returns the next message, or <c>null</c> when the peer closed the stream cleanly between messages.</summary>
    public async ValueTask<JsonObject?> ReadAsync(CancellationToken cancellationToken)
    {
        int? contentLength = null;
        while (true)
        {
            var result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;

            if (contentLength is null && TryReadHeader(ref buffer, out var length))
            {
                contentLength = length;
            }

            if (contentLength is int bodyLength && buffer.Length >= bodyLength)
            {
                var body = buffer.Slice(0, bodyLength);
                var message = Parse(body);
                _reader.AdvanceTo(body.End);
                return message;
            }

            if (result.IsCompleted)
            {
                _reader.AdvanceTo(buffer.End);
                if (contentLength is null && buffer.IsEmpty)
                {
                    return null;
                }

                throw new EndOfStreamException(
                    $"The DAP stream ended in the middle of a message ({buffer.Length} bytes of an unfinished message were received).");
            }

            if (contentLength is null && buffer.Length > MaxHeaderBytes)
            {
                throw new InvalidDataException(
                    $"No DAP header terminator within {MaxHeaderBytes} bytes; the peer does not speak DAP. Start of data: {Preview(buffer)}");
            }

            // Nothing complete yet: keep what we have and ask for more.
            _reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    public ValueTask CompleteAsync() => _reader.CompleteAsync();

    private static bool TryReadHeader(ref ReadOnlySequence<byte> buffer, out int contentLength)
    {
        contentLength = 0;
        var sequenceReader = new SequenceReader<byte>(buffer);
        if (!sequenceReader.TryReadTo(out ReadOnlySequence<byte> header, HeaderTerminator, advancePastDelimiter: true))
        {
            return false;
        }

        var headerText = Encoding.ASCII.GetString(header);
        int? length = null;
        foreach (var line in headerText.Split("\r\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = line.IndexOf(':');
            if (colon > 0 && line.AsSpan(0, colon).Trim().Equals(ContentLengthHeader, StringComparison.OrdinalIgnoreCase)
                && int.TryParse(line.AsSpan(colon + 1).Trim(), out var value) && value >= 0 && value <= MaxBodyBytes)
            {
                length = value;
            }
        }

        contentLength = length ?? throw new InvalidDataException($"DAP header without a valid Content-Length: '{headerText}'.");
        buffer = buffer.Slice(sequenceReader.Position);
        return true;
    }

    private static JsonObject Parse(ReadOnlySequence<byte> body)
    {
        var json = Encoding.UTF8.GetString(body);
        return JsonNode.Parse(json) as JsonObject
            ?? throw new InvalidDataException($"A DAP message body is not a JSON object: {Truncate(json)}");
    }

    private static string Preview(ReadOnlySequence<byte> buffer) =>
        Truncate(Encoding.UTF8.GetString(buffer.Slice(0, Math.Min(buffer.Length, 200))));

    private static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
