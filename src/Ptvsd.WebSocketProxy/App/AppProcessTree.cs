using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Ptvsd.WebSocketProxy.App;

/// <summary>
/// Every process one start of the app made, wherever it ended up. Each start gets a fresh marker in its environment,
/// which every process of the tree inherits: the app's children, gunicorn's workers, and debugpy's adapter, which
/// double-forks into a session of its own and so leaves both the app's process tree and its process group. The marker
/// finds them all in <c>/proc</c>, including those re-parented after the app died. Linux only; elsewhere the tree is
/// the app's process tree, which <see cref="System.Diagnostics.Process.Kill(bool)"/> covers.
/// </summary>
internal sealed class AppProcessTree
{
    public const string Variable = "PTVSD_APP_TREE";

    private const int SigKill = 9;
    private const int WaitNoHang = 1;
    private const int PrSetChildSubreaper = 36;
    private static readonly TimeSpan ReapTimeout = TimeSpan.FromSeconds(2);

    // The marker as an entry of /proc/PID/environ (NUL-separated): the first one, or one after another.
    private readonly byte[] _firstEntry;
    private readonly byte[] _laterEntry;

    public AppProcessTree()
    {
        Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        _firstEntry = Encoding.ASCII.GetBytes($"{Variable}={Id}\0");
        _laterEntry = Encoding.ASCII.GetBytes($"\0{Variable}={Id}\0");
    }

    /// <summary>The marker's value, set as <see cref="Variable"/> in the app's environment.</summary>
    public string Id { get; }

    /// <summary>
    /// Makes the proxy the parent of every orphan in the trees below it (PR_SET_CHILD_SUBREAPER) rather than PID 1, so
    /// that what an app leaves behind stays the proxy's to end. Only for the proxy program: a host process that runs the
    /// proxy in-process (tests) keeps its own rules.
    /// </summary>
    public static bool BecomeSubreaper() => OperatingSystem.IsLinux() && prctl(PrSetChildSubreaper, 1, 0, 0, 0) == 0;

    /// <summary>The processes that carry this tree's marker, the proxy itself never among them.</summary>
    public IReadOnlyList<int> FindProcesses()
    {
        if (!OperatingSystem.IsLinux())
        {
            return [];
        }

        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                var environ = File.ReadAllBytes(Path.Combine(directory, "environ")).AsSpan();
                if (environ.StartsWith(_firstEntry) || environ.IndexOf(_laterEntry) >= 0)
                {
                    found.Add(pid);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Gone already, or another user's: not of this tree either way.
            }
        }

        return found;
    }

    /// <summary>
    /// Kills every process of the tree but <paramref name="exceptProcessId"/> (the app itself, whose own
    /// <see cref="System.Diagnostics.Process"/> ends and reaps it), and reaps those that were re-parented to the proxy.
    /// </summary>
    /// <returns>The ids of the processes killed.</returns>
    public IReadOnlyList<int> KillAll(int? exceptProcessId)
    {
        var killed = FindProcesses().Where(pid => pid != exceptProcessId && kill(pid, SigKill) == 0).ToList();
        var orphans = killed.Where(IsChildOfProxy).ToHashSet();
        var deadline = DateTime.UtcNow + ReapTimeout;
        while (orphans.Count > 0 && DateTime.UtcNow < deadline)
        {
            orphans.RemoveWhere(pid => waitpid(pid, out _, WaitNoHang) != 0);
            if (orphans.Count > 0)
            {
                Thread.Sleep(10);
            }
        }

        return killed;
    }

    /// <summary>
    /// Whether the TCP listener on <paramref name="port"/> belongs to a process of this tree; null where that cannot be
    /// told (not Linux). A stale debugpy adapter of an earlier start, or any other program, may hold the debug port.
    /// </summary>
    public bool? OwnsListener(int port)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var sockets = ListeningSockets(port);
        if (sockets.Count == 0)
        {
            return false;
        }

        foreach (var pid in FindProcesses())
        {
            try
            {
                foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
                {
                    if (new FileInfo(fd).LinkTarget is { } target && sockets.Contains(target))
                    {
                        return true;
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Exited meanwhile.
            }
        }

        return false;
    }

    /// <summary>The <c>socket:[INODE]</c> names of the TCP sockets listening on <paramref name="port"/> (IPv4 and IPv6).</summary>
    private static HashSet<string> ListeningSockets(int port)
    {
        const string Listen = "0A";
        var portHex = port.ToString("X4", System.Globalization.CultureInfo.InvariantCulture);
        var sockets = new HashSet<string>(StringComparer.Ordinal);
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            try
            {
                // "sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ..."
                foreach (var line in File.ReadLines(table).Skip(1))
                {
                    var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (fields.Length > 9 && fields[3] == Listen && fields[1].EndsWith(":" + portHex, StringComparison.Ordinal))
                    {
                        sockets.Add($"socket:[{fields[9]}]");
                    }
                }
            }
            catch (IOException)
            {
                // No IPv6 on this host.
            }
        }

        return sockets;
    }

    private static bool IsChildOfProxy(int pid)
    {
        try
        {
            // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture) == Environment.ProcessId;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return false;
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    [DllImport("libc", SetLastError = true)]
    private static extern int waitpid(int pid, out int status, int options);
}
