using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Ptvsd.WebSocketProxy.Authentication;

public enum CredentialsKind
{
    Missing,
    Malformed,
    Present,
}

/// <summary>
/// Reads the secret a client presents: HTTP Basic with the secret as user name (what a WebSocket client
/// sends for <c>wss://SECRET@host/ptvsd</c>; the password is ignored) or <c>Bearer SECRET</c>.
/// Query strings are never read: a secret in a URL ends up in access logs.
/// </summary>
public readonly struct Credentials
{
    /// <summary>Far longer than any generated secret; anything larger is refused before it is decoded.</summary>
    public const int MaxHeaderLength = 1024;

    private Credentials(CredentialsKind kind, string? secret, string? problem)
    {
        Kind = kind;
        Secret = secret;
        Problem = problem;
    }

    public CredentialsKind Kind { get; }

    /// <summary>The presented secret; only ever compared, never logged.</summary>
    public string? Secret { get; }

    /// <summary>Why the header was malformed, safe to show to the client (it never quotes the header).</summary>
    public string? Problem { get; }

    /// <summary>Whether <paramref name="header"/> uses the Bearer scheme, which no browser sends on its own.</summary>
    public static bool IsBearer(string? header) =>
        header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);

    public static Credentials FromAuthorizationHeader(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return new(CredentialsKind.Missing, null, null);
        }

        if (header.Length > MaxHeaderLength)
        {
            return Malformed($"the Authorization header is longer than {MaxHeaderLength} characters");
        }

        var separator = header.IndexOf(' ');
        var scheme = separator < 0 ? header : header[..separator];
        var parameter = separator < 0 ? "" : header[(separator + 1)..].Trim();

        if (scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return parameter.Length == 0 ? Malformed("the Bearer token is empty") : new(CredentialsKind.Present, parameter, null);
        }

        if (scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            return FromBasic(parameter);
        }

        return Malformed("use HTTP Basic (the secret as user name) or Bearer credentials");
    }

    private static Credentials FromBasic(string encoded)
    {
        if (encoded.Length == 0)
        {
            return Malformed("the Basic credentials are empty");
        }

        var bytes = ArrayPool<byte>.Shared.Rent(Base64.GetMaxDecodedFromUtf8Length(encoded.Length));
        try
        {
            if (!Convert.TryFromBase64String(encoded, bytes, out var length))
            {
                return Malformed("the Basic credentials are not valid base64");
            }

            string decoded;
            try
            {
                decoded = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, length);
            }
            catch (DecoderFallbackException)
            {
                return Malformed("the Basic credentials are not valid UTF-8");
            }

            var colon = decoded.IndexOf(':');
            var user = colon < 0 ? decoded : decoded[..colon];

            // URI user info arrives percent-encoded from some clients; generated secrets never contain '%'.
            if (user.Contains('%'))
            {
                user = Uri.UnescapeDataString(user);
            }

            return user.Length == 0 ? Malformed("the Basic user name (the secret) is empty") : new(CredentialsKind.Present, user, null);
        }
        finally
        {
            Array.Clear(bytes);
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    private static Credentials Malformed(string problem) => new(CredentialsKind.Malformed, null, problem);
}
