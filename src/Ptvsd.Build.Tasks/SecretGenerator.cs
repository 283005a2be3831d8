using System.Security.Cryptography;
using System.Text;

namespace Ptvsd.Build.Tasks;

/// <summary>Draws the <c>WSGI_PTVSD_SECRET</c> written into a generated web.debug.config.</summary>
internal static class SecretGenerator
{
    /// <summary>Bits drawn from the OS's cryptographic RNG for every secret.</summary>
    public const int EntropyBits = 160;

    /// <summary>
    /// RFC 4648 base32 in lower case: letters and digits are unreserved in RFC 3986, so the secret sits in
    /// a URI's user info without escaping and survives copy and paste, shells and XML attributes as is.
    /// </summary>
    public const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    /// <summary>Characters in every secret: 160 bits at 5 bits a character.</summary>
    public const int Length = EntropyBits / 5;

    public static string NewSecret()
    {
        var bytes = new byte[EntropyBits / 8];
        using (var random = RandomNumberGenerator.Create())
        {
            random.GetBytes(bytes);
        }

        var secret = new StringBuilder(Length);
        int buffer = 0, bitsInBuffer = 0;
        foreach (var b in bytes)
        {
            buffer = (buffer << 8) | b;
            bitsInBuffer += 8;
            while (bitsInBuffer >= 5)
            {
                bitsInBuffer -= 5;
                secret.Append(Alphabet[(buffer >> bitsInBuffer) & 31]);
            }
        }

        return secret.ToString();
    }
}
