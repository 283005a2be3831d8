namespace Ptvsd.WebSocketProxy.Forwarding;

/// <summary>
/// This proxy's mark on what it forwards, a <c>Via</c> entry (RFC 9110 §7.6.3) with a name drawn at start-up: a request
/// that arrives carrying it has already passed through this proxy once and is looping (an app URL that leads back
/// here), so it is refused instead of being forwarded again until sockets and memory run out.
/// </summary>
public sealed class ProxyHop
{
    public ProxyHop() => Pseudonym = "ptvsd-" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();

    /// <summary>The received-by name this proxy adds to Via.</summary>
    public string Pseudonym { get; }

    public string ViaEntry => "1.1 " + Pseudonym;

    public bool HasPassedThrough(HttpRequest request)
    {
        foreach (var via in request.Headers.Via)
        {
            if (via is not null && via.Contains(Pseudonym, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
