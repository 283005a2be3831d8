using System.Globalization;

namespace Ptvsd.Testing;

/// <summary>One process as seen in <c>/proc/&lt;pid&gt;/stat</c>.</summary>
/// <param name="Pid">Process id.</param>
/// <param name="ParentPid">Parent process id.</param>
/// <param name="Name">The kernel's short command name (at most 15 characters).</param>
/// <param name="State">State letter: R running, S sleeping, Z zombie, …</param>
/// <param name="StartTime">Start time in clock ticks after boot; tells a reused pid from the original.</param>
public sealed record ProcessTreeEntry(int Pid, int ParentPid, string Name, char State, ulong StartTime)
{
    /// <summary>Whether the process has exited and only waits to be reaped.</summary>
    public bool IsZombie => State is 'Z' or 'X';

    /// <inheritdoc />
    public override string ToString() => $"{Pid} ({Name}, parent {ParentPid}, state {State})";
}

/// <summary>
/// Reads the process tree from <c>/proc</c> (Linux only), so tests can prove that stopping the
/// proxy left no orphaned Python or debugpy adapter process behind.
/// </summary>
public static class ProcessTree
{
    /// <summary>Every live process, from one pass over <c>/proc/*/stat</c>.</summary>
    public static IReadOnlyList<ProcessTreeEntry> Snapshot()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("ProcessTree reads /proc and works on Linux only.");
        }

        var entries = new List<ProcessTreeEntry>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && TryRead(pid) is { } entry)
            {
                entries.Add(entry);
            }
        }

        return entries;
    }

    /// <summary>
    /// The children, grandchildren, … of <paramref name="pid"/> that are still running (zombies
    /// excluded). Empty when <paramref name="pid"/> has exited: its orphans are re-parented and
    /// no longer its descendants, so take the snapshot while the root is alive.
    /// </summary>
    public static IReadOnlyList<ProcessTreeEntry> DescendantsOf(int pid)
    {
        var byParent = Snapshot().Where(e => !e.IsZombie).ToLookup(e => e.ParentPid);
        var descendants = new List<ProcessTreeEntry>();
        var pending = new Queue<int>([pid]);
        while (pending.TryDequeue(out var parent))
        {
            foreach (var child in byParent[parent])
            {
                descendants.Add(child);
                pending.Enqueue(child.Pid);
            }
        }

        return descendants;
    }

    /// <summary>
    /// Running processes whose command line (arguments joined by spaces) satisfies
    /// <paramref name="predicate"/>. For processes that are nobody's descendant: debugpy's
    /// adapter double-forks and calls setsid, so it is found by its <c>--port</c> argument, not
    /// under the app that started it.
    /// </summary>
    public static IReadOnlyList<ProcessTreeEntry> FindByCommandLine(Func<string, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return Snapshot()
            .Where(e => !e.IsZombie && CommandLineOf(e.Pid) is { } commandLine && predicate(commandLine))
            .ToList();
    }

    /// <summary>A process's arguments joined by spaces; null if it exited (or is a kernel thread).</summary>
    public static string? CommandLineOf(int pid)
    {
        string raw;
        try
        {
            raw = File.ReadAllText($"/proc/{pid}/cmdline");
        }
        catch (IOException)
        {
            // Exited while we looked: it has no command line any more.
            return null;
        }

        return raw.Length == 0 ? null : raw.TrimEnd('\0').Replace('\0', ' ');
    }

    /// <summary>Whether <paramref name="entry"/>'s process (same pid and start time) still runs.</summary>
    public static bool IsRunning(ProcessTreeEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return TryRead(entry.Pid) is { } current && current.StartTime == entry.StartTime && !current.IsZombie;
    }

    /// <summary>Reads one process's stat line; null if it exited meanwhile.</summary>
    public static ProcessTreeEntry? TryRead(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            // Processes come and go while /proc is listed; one that vanished is simply not running.
            return null;
        }

        return Parse(stat);
    }

    private static ProcessTreeEntry? Parse(string stat)
    {
        // "pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime
        // stime cutime cstime priority nice threads itrealvalue starttime ..." — comm may itself
        // contain spaces and parentheses, so split around its last ')'.
        var open = stat.IndexOf('(');
        var close = stat.LastIndexOf(')');
        if (open < 0 || close < open)
        {
            return null;
        }

        var fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 20
            || !int.TryParse(stat.AsSpan(0, open).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            || !int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var parentPid)
            || !ulong.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var startTime))
        {
            return null;
        }

        return new ProcessTreeEntry(pid, parentPid, stat[(open + 1)..close], fields[0][0], startTime);
    }
}
