using System;

namespace Ptvsd.Contract;

/// <summary>
/// Where a site's debug endpoint is and the secret that opens it, from <c>wss://SECRET@host/ptvsd</c>. The secret
/// is kept apart from every URI this type hands out, so no URI, log line or exception message can carry it; the
/// only text that holds it is <see cref="Authorization"/>, which goes into a request header and nowhere else.
/// </summary>
internal sealed class AttachUri
{
    public const string DebugPath = ProxyContract.DebugPath;

    private readonly string _secret;

    public AttachUri(bool secure, string host, int? port, string secret)
    {
        if (string.IsNullOrEmpty(host))
        {
            throw new ArgumentException("A host is required.", nameof(host));
        }

        if (string.IsNullOrEmpty(secret))
        {
            throw new ArgumentException("A secret is required.", nameof(secret));
        }

        IsSecure = secure;
        Host = host;
        Port = port ?? (secure ? 443 : 80);
        _secret = secret;
    }

    /// <summary><c>wss</c> (TLS) rather than <c>ws</c>.</summary>
    public bool IsSecure { get; }

    /// <summary>The host as written in a URI: a name, an IPv4 address, or an IPv6 address in brackets.</summary>
    public string Host { get; }

    public int Port { get; }

    /// <summary><c>host</c>, or <c>host:port</c> when the port is not the scheme's default.</summary>
    public string Authority => Port == (IsSecure ? 443 : 80) ? Host : $"{Host}:{Port}";

    /// <summary>The debug WebSocket, without credentials.</summary>
    public Uri WebSocketUri => new($"{(IsSecure ? "wss" : "ws")}://{Authority}{DebugPath}");

    /// <summary>The proxy's status JSON at <c>/ptvsd?format=json</c>.</summary>
    public Uri StatusUri => new($"{HttpScheme}://{Authority}{DebugPath}?format=json");

    /// <summary>The debug endpoint over plain HTTP(S), for requests that are not WebSocket sessions.</summary>
    public Uri DebugEndpointUri => new($"{HttpScheme}://{Authority}{DebugPath}");

    /// <summary>Where an authenticated POST restarts the app and its debugger.</summary>
    public Uri RestartUri => new($"{HttpScheme}://{Authority}{ProxyContract.RestartPath}");

    /// <summary>The URI with <c>***</c> in place of the secret: the only form that is ever shown.</summary>
    public string Display => $"{(IsSecure ? "wss" : "ws")}://***@{Authority}{DebugPath}";

    /// <summary>
    /// The <c>Authorization</c> header value: the secret as a Bearer token. Not HTTP Basic, although that is what a
    /// browser would send for <c>wss://SECRET@host/ptvsd</c>: front ends decode Basic credentials and log the user name
    /// (nginx's <c>$remote_user</c>, App Service's HTTP logs), which would put the secret in their access logs. A
    /// password in the URI is never sent; the proxy has no use for it.
    /// </summary>
    public string Authorization => "Bearer " + _secret;

    /// <summary>
    /// The whole URI, secret included, as a Debug publish prints it for the developer. The one member that writes the
    /// secret into a URI: only the SDK calls it, and only for its own build log and attach-info file.
    /// </summary>
    public string ToStringWithSecret() => $"{(IsSecure ? "wss" : "ws")}://{Uri.EscapeDataString(_secret)}@{Authority}{DebugPath}";

    private string HttpScheme => IsSecure ? "https" : "http";

    public override string ToString() => Display;
}
