using System.Globalization;
using System.Runtime.InteropServices;

namespace Ptvsd.Testing;

/// <summary>
/// Sends signals by pid. .NET can only SIGKILL a <see cref="System.Diagnostics.Process"/> it
/// holds; tests also need SIGTERM (graceful stop) and SIGKILL of orphans found in /proc.
/// </summary>
internal static class UnixSignal
{
    public const int Interrupt = 2;
    public const int Terminate = 15;
    public const int Kill = 9;

    /// <summary>
    /// Whether this process ignores <paramref name="signal"/> (Linux; false elsewhere). A process started in the
    /// background by a non-interactive shell ignores SIGINT and SIGQUIT, and its children inherit that.
    /// </summary>
    public static bool IsIgnoredByThisProcess(int signal)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        // A hex mask with bit (signal - 1) set for each ignored signal.
        const string Prefix = "SigIgn:";
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(Prefix, StringComparison.Ordinal));
        var ignored = ulong.Parse(line.AsSpan(Prefix.Length).Trim(), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        return (ignored & (1UL << (signal - 1))) != 0;
    }

    /// <summary>Sends <paramref name="signal"/>; returns 0, or the errno (e.g. 3, ESRCH: no such process).</summary>
    public static int Send(int pid, int signal) =>
        NativeKill(pid, signal) == 0 ? 0 : Marshal.GetLastPInvokeError();

    // DllImport rather than LibraryImport: the source-generated form needs unsafe code enabled
    // for the whole project, and an (int, int) -> int call marshals trivially either way.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int NativeKill(int pid, int signal);
#pragma warning restore SYSLIB1054
}
