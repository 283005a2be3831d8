using System;
using System.Security.Cryptography;
using System.Text;

namespace Ptvsd.Contract;

/// <summary>
/// What a published site holds in place of the secret: <c>sha256:SALT:DIGEST</c> (hex), the SHA-256 of the salt
/// followed by the secret's UTF-8 bytes. Whoever reads the published <c>web.config</c> learns nothing they can attach
/// with. A fast hash is enough: the SDK's secrets carry 160 random bits, far beyond guessing, and a slow one would hand
/// every unauthenticated request a costly computation. Linked into both the SDK's tasks (which write it) and the
/// proxy (which checks against it), so the two cannot disagree on the format.
/// </summary>
internal static class SecretVerifier
{
    private const string Scheme = "sha256";
    private const int SaltBytes = 16;
    private const int DigestBytes = 32;

    /// <summary>A verifier of <paramref name="secret"/> with a fresh random salt.</summary>
    public static string Create(string secret)
    {
        var salt = new byte[SaltBytes];
        using (var random = RandomNumberGenerator.Create())
        {
            random.GetBytes(salt);
        }

        return $"{Scheme}:{ToHex(salt)}:{ToHex(Digest(salt, secret))}";
    }

    /// <summary>Reads a verifier; false (with a reason that never quotes the value) when it is not one.</summary>
    public static bool TryParse(string value, out byte[] salt, out byte[] digest, out string? problem)
    {
        salt = digest = Array.Empty<byte>();
        var parts = value.Trim().Split(':');
        if (parts.Length != 3 || !string.Equals(parts[0], Scheme, StringComparison.OrdinalIgnoreCase))
        {
            problem = $"{SiteSettings.SecretVerifier} is not of the form {Scheme}:SALT:DIGEST; publish with -c Debug again to get a new one";
            return false;
        }

        if (!TryFromHex(parts[1], out salt) || salt.Length == 0 || !TryFromHex(parts[2], out digest) || digest.Length != DigestBytes)
        {
            problem = $"{SiteSettings.SecretVerifier} holds a salt or digest that is not hexadecimal SHA-256; publish with -c Debug again to get a new one";
            return false;
        }

        problem = null;
        return true;
    }

    /// <summary>SHA-256 of <paramref name="salt"/> followed by the UTF-8 bytes of <paramref name="secret"/>.</summary>
    public static byte[] Digest(byte[] salt, string secret)
    {
        var secretBytes = Encoding.UTF8.GetBytes(secret);
        var input = new byte[salt.Length + secretBytes.Length];
        try
        {
            Buffer.BlockCopy(salt, 0, input, 0, salt.Length);
            Buffer.BlockCopy(secretBytes, 0, input, salt.Length, secretBytes.Length);
            using var sha256 = SHA256.Create();
            return sha256.ComputeHash(input);
        }
        finally
        {
            Array.Clear(secretBytes, 0, secretBytes.Length);
            Array.Clear(input, 0, input.Length);
        }
    }

    private static string ToHex(byte[] bytes)
    {
        var text = new StringBuilder(bytes.Length * 2);
        foreach (var b in bytes)
        {
            text.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    private static bool TryFromHex(string text, out byte[] bytes)
    {
        bytes = Array.Empty<byte>();
        if (text.Length % 2 != 0)
        {
            return false;
        }

        var result = new byte[text.Length / 2];
        for (var i = 0; i < result.Length; i++)
        {
            var high = HexValue(text[2 * i]);
            var low = HexValue(text[(2 * i) + 1]);
            if (high < 0 || low < 0)
            {
                return false;
            }

            result[i] = (byte)((high << 4) | low);
        }

        bytes = result;
        return true;
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
