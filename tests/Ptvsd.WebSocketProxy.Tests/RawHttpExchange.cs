using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Ptvsd.WebSocketProxy.Tests;

/// <summary>One response to a request sent exactly as written, split into its status, head and body.</summary>
/// <param name="Status">The status code, or 0 when the connection closed before a status line arrived.</param>
/// <param name="Head">The status line and headers as received.</param>
/// <param name="Body">The body, de-chunked when it was chunked.</param>
internal sealed record RawHttpResponse(int Status, string Head, string Body)
{
    public string Text => Head + "\r\n\r\n" + Body;

    public override string ToString() => Text;
}

/// <summary>
/// Like <see cref="RawHttp"/>, but reads exactly one response (by its Content-Length, its chunks, or to the end of the
/// connection), so that a request may ask for keep-alive without the read waiting for a close that never comes.
/// </summary>
internal static class RawHttpExchange
{
    public static async Task<RawHttpResponse> SendAsync(Uri baseUri, string request, CancellationToken ct)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(baseUri.Host, baseUri.Port, ct);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), ct);
        var reader = new ByteReader(stream);

        var head = await reader.ReadUntilAsync("\r\n\r\n"u8.ToArray(), ct);
        if (head is null)
        {
            return new RawHttpResponse(0, Encoding.Latin1.GetString(reader.Rest()), "");
        }

        var headText = Encoding.Latin1.GetString(head);
        var lines = headText.Split("\r\n");
        var status = lines[0].Split(' ') is [_, var code, ..] && int.TryParse(code, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
        string? Header(string name) => lines.Skip(1)
            .Where(line => line.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
            .Select(line => line[(name.Length + 1)..].Trim())
            .FirstOrDefault();

        byte[] body;
        if (Header("Transfer-Encoding")?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true)
        {
            using var chunks = new MemoryStream();
            while (await reader.ReadUntilAsync("\r\n"u8.ToArray(), ct) is { } sizeLine
                && int.Parse(Encoding.ASCII.GetString(sizeLine).Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture) is var size and > 0)
            {
                chunks.Write(await reader.ReadExactlyAsync(size, ct));
                await reader.ReadUntilAsync("\r\n"u8.ToArray(), ct);
            }

            body = chunks.ToArray();
        }
        else if (Header("Content-Length") is { } length)
        {
            body = await reader.ReadExactlyAsync(int.Parse(length, CultureInfo.InvariantCulture), ct);
        }
        else
        {
            body = status is 101 or 204 or 304 ? [] : await reader.ReadToEndAsync(ct);
        }

        return new RawHttpResponse(status, headText, Encoding.UTF8.GetString(body));
    }

    /// <summary>Reads a stream in delimited pieces, keeping what it read past a delimiter for the next call.</summary>
    private sealed class ByteReader(Stream stream)
    {
        private readonly List<byte> _buffer = [];
        private readonly byte[] _chunk = new byte[8192];

        /// <summary>The bytes up to <paramref name="delimiter"/> (which is consumed); null at end of stream.</summary>
        public async Task<byte[]?> ReadUntilAsync(byte[] delimiter, CancellationToken ct)
        {
            while (true)
            {
                var at = IndexOf(delimiter);
                if (at >= 0)
                {
                    var piece = _buffer.GetRange(0, at).ToArray();
                    _buffer.RemoveRange(0, at + delimiter.Length);
                    return piece;
                }

                if (!await FillAsync(ct))
                {
                    return null;
                }
            }
        }

        public async Task<byte[]> ReadExactlyAsync(int count, CancellationToken ct)
        {
            while (_buffer.Count < count && await FillAsync(ct))
            {
            }

            var piece = _buffer.GetRange(0, Math.Min(count, _buffer.Count)).ToArray();
            _buffer.RemoveRange(0, piece.Length);
            return piece;
        }

        public async Task<byte[]> ReadToEndAsync(CancellationToken ct)
        {
            while (await FillAsync(ct))
            {
            }

            return Rest();
        }

        public byte[] Rest()
        {
            var rest = _buffer.ToArray();
            _buffer.Clear();
            return rest;
        }

        private async Task<bool> FillAsync(CancellationToken ct)
        {
            int read;
            try
            {
                read = await stream.ReadAsync(_chunk, ct);
            }
            catch (IOException ex) when (ex.InnerException is SocketException)
            {
                // A reset after (or instead of) the response ends it as a close would.
                return false;
            }

            _buffer.AddRange(_chunk.AsSpan(0, read));
            return read > 0;
        }

        private int IndexOf(byte[] delimiter)
        {
            for (var i = 0; i + delimiter.Length <= _buffer.Count; i++)
            {
                var j = 0;
                while (j < delimiter.Length && _buffer[i + j] == delimiter[j])
                {
                    j++;
                }

                if (j == delimiter.Length)
                {
                    return i;
                }
            }

            return -1;
        }
    }
}
