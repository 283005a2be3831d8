using System.Diagnostics;
using System.Net;
using System.Net.NetworkInformation;

namespace Ptvsd.Testing;

/// <summary>
/// Asks the OS whether something listens on a TCP endpoint, without connecting to it.
/// </summary>
/// <remarks>
/// This is the only safe readiness check for debugpy: a connection that opens and closes
/// without sending anything breaks its adapter for good (see DESIGN.md, "debugpy ground").
/// </remarks>
public static class TcpListenerTable
{
    // Short enough that a test does not idle noticeably, long enough not to burn a core.
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(25);

    /// <summary>
    /// Whether a socket listens on <paramref name="endPoint"/> — exactly that address, or the
    /// wildcard address of its family (0.0.0.0 / ::), on that port.
    /// </summary>
    public static bool IsListening(IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        foreach (var listener in IPGlobalProperties.GetIPGlobalProperties().GetActiveTcpListeners())
        {
            if (listener.Port == endPoint.Port && Covers(listener.Address, endPoint.Address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Polls <see cref="IsListening"/> until it is true; throws <see cref="TimeoutException"/>
    /// after <paramref name="timeout"/>.
    /// </summary>
    /// <returns>How long the wait took.</returns>
    public static async Task<TimeSpan> WaitUntilListeningAsync(IPEndPoint endPoint, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        var started = Stopwatch.GetTimestamp();
        while (!IsListening(endPoint))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (Stopwatch.GetElapsedTime(started) > timeout)
            {
                throw new TimeoutException($"Nothing listened on {endPoint} within {timeout.TotalSeconds:0.#} s.");
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }

        return Stopwatch.GetElapsedTime(started);
    }

    private static bool Covers(IPAddress listening, IPAddress wanted)
    {
        if (listening.Equals(wanted))
        {
            return true;
        }

        // A dual-mode [::] socket accepts IPv4 too; the table does not say whether it is dual-mode,
        // so an IPv6 wildcard is taken to cover IPv4 as well (the .NET and Linux default).
        return listening.Equals(IPAddress.Any) && wanted.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
            || listening.Equals(IPAddress.IPv6Any)
            || (wanted.IsIPv4MappedToIPv6 && listening.Equals(wanted.MapToIPv4()));
    }
}
