using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Ptvsd.Contract;

namespace Ptvsd.WebSocketProxy.Authentication;

/// <summary>
/// What the proxy checks a presented secret against: a salted SHA-256 digest (<see cref="SecretVerifier"/>), either
/// the verifier a Debug publish wrote into web.config (<c>WSGI_PTVSD_SECRET_VERIFIER</c>) or one made here from a plain
/// <c>WSGI_PTVSD_SECRET</c>. The secret itself is never kept, so it cannot end up in a log, a page or a dump of this
/// object; candidates are compared digest to digest in constant time, which also hides the secret's length.
/// </summary>
public sealed class DebugSecret
{
    /// <summary>A secret shorter than this is refused: the SDK generates 160 bits in 32 characters.</summary>
    public const int MinimumLength = ProxyContract.MinimumSecretLength;

    private readonly byte[] _salt;
    private readonly byte[] _digest;

    private DebugSecret(byte[] salt, byte[] digest)
    {
        _salt = salt;
        _digest = digest;
    }

    public static bool TryCreate(string? value, [NotNullWhen(true)] out DebugSecret? secret, [NotNullWhen(false)] out string? problem)
    {
        secret = null;
        if (string.IsNullOrEmpty(value))
        {
            problem = $"no {SiteSettings.Secret} is configured (publish with -c Debug, or set {SiteSettings.Secret} in the app settings)";
            return false;
        }

        if (value.Length < MinimumLength)
        {
            problem = $"{SiteSettings.Secret} is shorter than {MinimumLength} characters; republish with -c Debug to get a generated one";
            return false;
        }

        problem = null;
        var salt = RandomNumberGenerator.GetBytes(16);
        secret = new DebugSecret(salt, SecretVerifier.Digest(salt, value));
        return true;
    }

    /// <summary>From the verifier a Debug publish writes into the published web.config.</summary>
    public static bool TryFromVerifier(string? value, [NotNullWhen(true)] out DebugSecret? secret, [NotNullWhen(false)] out string? problem)
    {
        secret = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            problem = $"{SiteSettings.SecretVerifier} is empty; publish with -c Debug again";
            return false;
        }

        if (!SecretVerifier.TryParse(value, out var salt, out var digest, out var parseProblem))
        {
            problem = parseProblem!;
            return false;
        }

        problem = null;
        secret = new DebugSecret(salt, digest);
        return true;
    }

    public bool Matches(string? candidate) =>
        candidate is not null && CryptographicOperations.FixedTimeEquals(SecretVerifier.Digest(_salt, candidate), _digest);

    public override string ToString() => "***";
}
