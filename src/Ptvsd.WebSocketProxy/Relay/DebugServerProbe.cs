using System.Net;
using System.Net.NetworkInformation;
using Ptvsd.WebSocketProxy.Configuration;

namespace Ptvsd.WebSocketProxy.Relay;

/// <summary>
/// Tells whether the debug server is listening by reading the OS listener table. It never connects:
/// an empty connect-and-close breaks debugpy 1.6's adapter for good.
/// </summary>
public sealed class DebugServerProbe(ProxyOptions options)
{
    public bool IsListening() => IsListening(options.DebugServer);

    public static bool IsListening(DebugServerAddress address) => IsListening(address.LoopbackAddresses, address.Port);

    public static bool IsListening(IReadOnlyList<IPAddress> addresses, int port)
    {
        foreach (var listener in IPGlobalProperties.GetIPGlobalProperties().GetActiveTcpListeners())
        {
            if (listener.Port != port)
            {
                continue;
            }

            if (listener.Address.Equals(IPAddress.Any) || listener.Address.Equals(IPAddress.IPv6Any) || addresses.Contains(listener.Address))
            {
                return true;
            }
        }

        return false;
    }
}
