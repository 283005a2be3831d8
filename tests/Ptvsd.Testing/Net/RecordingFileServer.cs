using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Ptvsd.Testing;

/// <summary>
/// A stand-in for the app behind the proxy: it logs every request it receives and serves files from its site root
/// the way a careless static file server on a Windows host would, so that a request the proxy should have stopped
/// really returns the file (and the secret in it) instead of a harmless 404.
/// </summary>
/// <remarks>
/// Written on a bare socket rather than on Kestrel: a server with its own request validation could refuse a hostile
/// request itself, and the test would then pass although the proxy forwarded it. Here every request head that
/// arrives is recorded before anything is parsed or checked.
/// </remarks>
public sealed class RecordingFileServer(string root) : LoopbackTcpServer
{
    private const int MaxHeadBytes = 64 * 1024;

    // Initialised before the base constructor starts accepting, as field initialisers run first.
    private readonly string _root = Path.GetFullPath(root);
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    /// <summary>The folder files are served from.</summary>
    public string Root => _root;

    /// <summary>Where the server listens, as the proxy's <c>AppUrl</c>.</summary>
    public Uri BaseUri => new($"http://127.0.0.1:{Port}/");

    /// <summary>Every request received so far, in order of arrival.</summary>
    public IReadOnlyCollection<RecordedRequest> Requests => _requests;

    /// <summary>
    /// The file a request target names, resolved as a naive server on Windows resolves it: the path decoded once,
    /// <c>/</c> and <c>\</c> both separators, dot segments applied, and each name matched as NTFS matches it
    /// (any case, trailing dots and spaces ignored, an alternate data stream suffix ignored, the 8.3 short name
    /// accepted, and a NUL ending the name as C string functions end it). Null when no file matches.
    /// </summary>
    public string? Resolve(string target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var path = target;
        var scheme = path.IndexOf("://", StringComparison.Ordinal);
        if (scheme > 0 && path.IndexOf('/') > scheme)
        {
            // Absolute-form: a careless server takes the path and ignores the authority.
            var pathStart = path.IndexOf('/', scheme + 3);
            path = pathStart < 0 ? "/" : path[pathStart..];
        }

        path = path.Split('?', '#')[0];
        var decoded = Uri.UnescapeDataString(path);

        // Lexically first, as Windows normalises a path before it looks at the disk: /x/../web.config is /web.config
        // whether or not x exists.
        var names = new List<string>();
        foreach (var rawSegment in decoded.Split('/', '\\'))
        {
            var segment = rawSegment.Split('\0')[0];
            var stream = segment.IndexOf(':', StringComparison.Ordinal);
            if (stream >= 0)
            {
                segment = segment[..stream];
            }

            if (segment == "..")
            {
                // Windows clamps at the root; so does this server, which only ever looks inside it.
                if (names.Count > 0)
                {
                    names.RemoveAt(names.Count - 1);
                }

                continue;
            }

            segment = segment.TrimEnd('.', ' ');
            if (segment.Length > 0)
            {
                names.Add(segment);
            }
        }

        var current = _root;
        foreach (var name in names)
        {
            if (!Directory.Exists(current))
            {
                return null;
            }

            var match = Directory.EnumerateFileSystemEntries(current).FirstOrDefault(entry => NamesMatch(Path.GetFileName(entry), name));
            if (match is null)
            {
                return null;
            }

            current = match;
        }

        return File.Exists(current) ? current : null;
    }

    /// <summary>The 8.3 short name NTFS gives a long name (always the first one, <c>~1</c>), or null when the name is short already.</summary>
    public static string? ShortName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var dot = name.LastIndexOf('.');
        var stem = dot > 0 ? name[..dot] : name;
        var extension = dot > 0 ? name[(dot + 1)..] : "";
        if (stem.Length <= 8 && extension.Length <= 3 && !stem.Contains('.', StringComparison.Ordinal) && !name.Contains(' ', StringComparison.Ordinal))
        {
            return null;
        }

        var shortStem = new string(stem.Where(c => c is not '.' and not ' ').ToArray()).ToUpperInvariant();
        var shortName = shortStem[..Math.Min(6, shortStem.Length)] + "~1";
        return extension.Length == 0 ? shortName : $"{shortName}.{extension[..Math.Min(3, extension.Length)].ToUpperInvariant()}";
    }

    /// <inheritdoc />
    protected override async Task HandleConnectionAsync(Socket socket, CancellationToken cancellationToken)
    {
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var buffered = new List<byte>();
        var buffer = new byte[8192];
        while (true)
        {
            // Keep-alive as the proxy's pooled client expects: one request after another on the same connection.
            int headEnd;
            while ((headEnd = IndexOfHeadEnd(buffered)) < 0)
            {
                if (buffered.Count > MaxHeadBytes)
                {
                    _requests.Enqueue(RecordedRequest.Parse(Encoding.Latin1.GetString([.. buffered])));
                    await WriteResponseAsync(stream, 431, "Request Header Fields Too Large", [], close: true, cancellationToken).ConfigureAwait(false);
                    return;
                }

                var read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    if (buffered.Count > 0)
                    {
                        // A partial head is still something that reached the app.
                        _requests.Enqueue(RecordedRequest.Parse(Encoding.Latin1.GetString([.. buffered])));
                    }

                    return;
                }

                buffered.AddRange(buffer.AsSpan(0, read));
            }

            var head = Encoding.Latin1.GetString(buffered.GetRange(0, headEnd).ToArray());
            buffered.RemoveRange(0, headEnd + 4);
            var request = RecordedRequest.Parse(head);
            _requests.Enqueue(request);

            if (request.HeaderValues("Transfer-Encoding").Count > 0)
            {
                // The requests these tests make have no chunked bodies; refusing one is honest, guessing is not.
                await WriteResponseAsync(stream, 501, "Not Implemented", [], close: true, cancellationToken).ConfigureAwait(false);
                return;
            }

            if (request.HeaderValues("Content-Length") is [var lengthText, ..] && long.TryParse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            {
                await SkipBodyAsync(stream, buffered, length, buffer, cancellationToken).ConfigureAwait(false);
            }

            var close = request.HeaderValues("Connection").Any(value => value.Contains("close", StringComparison.OrdinalIgnoreCase));
            var file = Resolve(request.Target);
            if (file is null)
            {
                await WriteResponseAsync(stream, 404, "Not Found", "not found\n"u8.ToArray(), close, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var content = await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false);
                await WriteResponseAsync(stream, 200, "OK", request.Method == "HEAD" ? [] : content, close, cancellationToken).ConfigureAwait(false);
            }

            if (close)
            {
                return;
            }
        }
    }

    private static bool NamesMatch(string entry, string requested) =>
        entry.Equals(requested, StringComparison.OrdinalIgnoreCase)
        || (ShortName(entry) is { } shortName && shortName.Equals(requested, StringComparison.OrdinalIgnoreCase));

    private static int IndexOfHeadEnd(List<byte> bytes)
    {
        for (var i = 0; i + 3 < bytes.Count; i++)
        {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n')
            {
                return i;
            }
        }

        return -1;
    }

    private static async Task SkipBodyAsync(NetworkStream stream, List<byte> buffered, long length, byte[] buffer, CancellationToken cancellationToken)
    {
        var fromBuffer = (int)Math.Min(length, buffered.Count);
        buffered.RemoveRange(0, fromBuffer);
        var remaining = length - fromBuffer;
        while (remaining > 0)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return;
            }

            remaining -= read;
        }
    }

    private static async Task WriteResponseAsync(NetworkStream stream, int status, string reason, byte[] body, bool close, CancellationToken cancellationToken)
    {
        var head =
            $"HTTP/1.1 {status.ToString(CultureInfo.InvariantCulture)} {reason}\r\n" +
            $"Content-Length: {body.Length.ToString(CultureInfo.InvariantCulture)}\r\n" +
            "Content-Type: application/octet-stream\r\n" +
            (close ? "Connection: close\r\n" : "") +
            "\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), cancellationToken).ConfigureAwait(false);
        await stream.WriteAsync(body, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>One request head as <see cref="RecordingFileServer"/> received it, before any interpretation.</summary>
/// <param name="Head">The head exactly as received, without the blank line that ends it.</param>
/// <param name="Method">The request line's method.</param>
/// <param name="Target">The request line's target, as sent.</param>
/// <param name="Headers">Each header line's name and value, in order, repeated names kept.</param>
public sealed record RecordedRequest(string Head, string Method, string Target, IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    /// <summary>Splits a request head into its request line and header lines; a malformed line is kept in <see cref="Head"/> only.</summary>
    public static RecordedRequest Parse(string head)
    {
        ArgumentNullException.ThrowIfNull(head);
        var lines = head.Split("\r\n");
        var requestLine = lines[0].Split(' ');
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers.Add(new(line[..colon], line[(colon + 1)..].Trim()));
            }
        }

        return new RecordedRequest(head, requestLine[0], requestLine.Length > 1 ? requestLine[1] : "", headers);
    }

    /// <summary>The values of every header named <paramref name="name"/> (compared case-insensitively).</summary>
    public IReadOnlyList<string> HeaderValues(string name) =>
        [.. Headers.Where(header => header.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(header => header.Value)];

    /// <inheritdoc />
    public override string ToString() => $"{Method} {Target}";
}
