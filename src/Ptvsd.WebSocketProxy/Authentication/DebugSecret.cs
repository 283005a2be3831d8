using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace Ptvsd.WebSocketProxy.Authentication;

/// <summary>
/// The shared secret of a Debug publish (<c>WSGI_PTVSD_SECRET</c>). Only its SHA-256 digest is kept, so the
/// secret itself cannot end up in a log, a page or a dump of this object; candidates are compared digest to
/// digest in constant time, which also hides the secret's length.
/// </summary>
public sealed class DebugSecret
{
    /// <summary>A secret shorter than this is refused: the SDK generates 128 bits in 26 characters or more.</summary>
    public const int MinimumLength = 16;

    private readonly byte[] _digest;

    private DebugSecret(byte[] digest) => _digest = digest;

    public static bool TryCreate(string? value, [NotNullWhen(true)] out DebugSecret? secret, [NotNullWhen(false)] out string? problem)
    {
        secret = null;
        if (string.IsNullOrEmpty(value))
        {
            problem = "no WSGI_PTVSD_SECRET is configured (publish with -c Debug, or set WSGI_PTVSD_SECRET in the app settings)";
            return false;
        }

        if (value.Length < MinimumLength)
        {
            problem = $"WSGI_PTVSD_SECRET is shorter than {MinimumLength} characters; republish with -c Debug to get a generated one";
            return false;
        }

        problem = null;
        secret = new DebugSecret(Digest(value));
        return true;
    }

    public bool Matches(ReadOnlySpan<char> candidate) => CryptographicOperations.FixedTimeEquals(Digest(candidate), _digest);

    private static byte[] Digest(ReadOnlySpan<char> value)
    {
        var bytes = new byte[Encoding.UTF8.GetMaxByteCount(value.Length)];
        try
        {
            var count = Encoding.UTF8.GetBytes(value, bytes);
            return SHA256.HashData(bytes.AsSpan(0, count));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    public override string ToString() => "***";
}
