using System.Net;
using System.Net.Sockets;

namespace Ptvsd.Testing;

/// <summary>Picks loopback TCP ports for servers that must be told their port up front (debugpy, the proxy).</summary>
public static class FreePort
{
    /// <summary>
    /// Returns a port that was free on 127.0.0.1 a moment ago. Another process can take it before
    /// it is used; prefer binding to port 0 where the server allows it.
    /// </summary>
    public static int Get()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary><see cref="Get"/> as a loopback endpoint.</summary>
    public static IPEndPoint GetEndPoint() => new(IPAddress.Loopback, Get());
}
