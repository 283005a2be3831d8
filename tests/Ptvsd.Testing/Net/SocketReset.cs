using System.Net.Sockets;

namespace Ptvsd.Testing;

/// <summary>Ending a connection the way a lost network does.</summary>
public static class SocketReset
{
    /// <summary>Drops the connection with a TCP reset, as a peer whose network is lost does, instead of an orderly close.</summary>
    public static void Reset(this Socket socket)
    {
        socket.LingerState = new LingerOption(enable: true, seconds: 0);
        socket.Close();
    }
}
