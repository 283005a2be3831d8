using System.Globalization;

namespace Ptvsd.Testing;

/// <summary>Counts the sockets a process holds open, to prove that repeated sessions leak none (Linux).</summary>
public static class ProcessSockets
{
    /// <summary>
    /// The number of open file descriptors of <paramref name="processId"/> that are sockets (TCP, UDP or Unix), read
    /// from <c>/proc/PID/fd</c>. Only meaningful as a difference: the runtime holds a few sockets of its own.
    /// </summary>
    public static int Count(int processId)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("Counting a process's sockets reads /proc, which only Linux has.");
        }

        var count = 0;
        foreach (var descriptor in Directory.EnumerateFileSystemEntries($"/proc/{processId.ToString(CultureInfo.InvariantCulture)}/fd"))
        {
            // A descriptor can close between listing and reading its link; it is then simply not counted.
            if (new FileInfo(descriptor).LinkTarget is { } target && target.StartsWith("socket:", StringComparison.Ordinal))
            {
                count++;
            }
        }

        return count;
    }
}
