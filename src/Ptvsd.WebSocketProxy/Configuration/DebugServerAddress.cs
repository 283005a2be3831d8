using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace Ptvsd.WebSocketProxy.Configuration;

/// <summary>
/// Where debugpy listens inside the app process (<c>WSGI_PTVSD_ADDRESS</c>, <c>host:port</c>).
/// debugpy has no authentication of its own, so only loopback addresses are accepted.
/// </summary>
public sealed class DebugServerAddress
{
    public const string DefaultValue = "localhost:5678";

    private DebugServerAddress(string host, int port)
    {
        Host = host;
        Port = port;
    }

    public string Host { get; }

    public int Port { get; }

    public static DebugServerAddress Default { get; } = new("localhost", 5678);

    public static bool TryParse(string? value, [NotNullWhen(true)] out DebugServerAddress? address, [NotNullWhen(false)] out string? error)
    {
        address = null;
        value = value?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            error = $"the debug server address is empty; expected host:port such as {DefaultValue}";
            return false;
        }

        var colon = value.LastIndexOf(':');
        if (colon <= 0 || colon == value.Length - 1)
        {
            error = $"'{value}' is not host:port; expected something like {DefaultValue}";
            return false;
        }

        var host = value[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        if (!int.TryParse(value.AsSpan(colon + 1), out var port) || port is < 1 or > 65535)
        {
            error = $"'{value[(colon + 1)..]}' is not a TCP port (1-65535)";
            return false;
        }

        if (!IsLoopbackHost(host))
        {
            error = $"'{host}' is not a loopback address; debugpy has no authentication, so it may only listen on localhost, 127.0.0.1 or ::1";
            return false;
        }

        address = new DebugServerAddress(host, port);
        error = null;
        return true;
    }

    /// <summary>The addresses a listener for this host can be bound to; "localhost" may be either family.</summary>
    public IReadOnlyList<IPAddress> LoopbackAddresses =>
        IPAddress.TryParse(Host, out var ip) ? [ip] : [IPAddress.Loopback, IPAddress.IPv6Loopback];

    private static bool IsLoopbackHost(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));

    public override string ToString() => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
