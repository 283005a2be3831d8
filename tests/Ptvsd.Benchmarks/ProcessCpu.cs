using System.Globalization;
using Ptvsd.Testing;

namespace Ptvsd.Benchmarks;

/// <summary>
/// The CPU time (user + system, all threads) a process tree has used so far, from <c>/proc/PID/stat</c> (Linux).
/// Two samples taken around a load run give what the tree spent on that run.
/// </summary>
internal sealed class ProcessCpu
{
    // Keyed by start time too: a pid reused by a new process must not be subtracted from the old one's figure.
    private readonly Dictionary<(int Pid, ulong StartTime), long> _ticks;
    private readonly int _rootPid;
    private readonly double _ticksPerSecond;

    private ProcessCpu(Dictionary<(int Pid, ulong StartTime), long> ticks, int rootPid, double ticksPerSecond)
    {
        _ticks = ticks;
        _rootPid = rootPid;
        _ticksPerSecond = ticksPerSecond;
    }

    /// <summary>Samples <paramref name="rootPid"/> and every descendant it has now (nginx's workers, gunicorn's worker).</summary>
    public static ProcessCpu Sample(int rootPid, double ticksPerSecond)
    {
        var ticks = new Dictionary<(int, ulong), long>();
        foreach (var pid in ProcessTree.DescendantsOf(rootPid).Select(entry => entry.Pid).Prepend(rootPid))
        {
            if (TryRead(pid) is { } entry)
            {
                ticks[(pid, entry.StartTime)] = entry.Ticks;
            }
        }

        return new ProcessCpu(ticks, rootPid, ticksPerSecond);
    }

    /// <summary>
    /// The clock ticks per second of <c>/proc</c>'s CPU fields, from <c>getconf CLK_TCK</c>; 100 (what Linux
    /// reports on every common architecture) when getconf cannot be run.
    /// </summary>
    public static async Task<double> TicksPerSecondAsync(CancellationToken cancellationToken)
    {
        const double LinuxDefault = 100;
        ManagedProcess getconf;
        try
        {
            getconf = ManagedProcess.Start(new ManagedProcessStartInfo("getconf", "CLK_TCK"));
        }
        catch (InvalidOperationException)
        {
            // No getconf (a minimal image): the default is right for every Linux kernel a host runs.
            return LinuxDefault;
        }

        await using (getconf)
        {
            var exitCode = await getconf.WaitForExitAsync(TimeSpan.FromSeconds(10), cancellationToken);
            return exitCode == 0 && double.TryParse(getconf.Output.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && ticks > 0
                ? ticks
                : LinuxDefault;
        }
    }

    /// <summary>The CPU seconds the tree has used since this sample was taken.</summary>
    public double SecondsUsedSince()
    {
        var now = Sample(_rootPid, _ticksPerSecond);

        // A process that started in between counts from zero; one that exited in between is lost, and in these
        // runs none does (nginx and gunicorn keep their workers, the proxy is one process).
        var ticks = now._ticks.Sum(entry => entry.Value - _ticks.GetValueOrDefault(entry.Key));
        return ticks / _ticksPerSecond;
    }

    private static (ulong StartTime, long Ticks)? TryRead(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (IOException)
        {
            // Exited between listing the tree and reading it: it spent nothing more on this run.
            return null;
        }

        // comm (field 2) may hold spaces and parentheses, so count from its closing ')': what follows starts at
        // field 3 (state), which puts utime (14) and stime (15) at 11 and 12, and starttime (22) at 19.
        var fields = stat[(stat.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var utime = long.Parse(fields[11], NumberStyles.None, CultureInfo.InvariantCulture);
        var stime = long.Parse(fields[12], NumberStyles.None, CultureInfo.InvariantCulture);
        var startTime = ulong.Parse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture);
        return (startTime, utime + stime);
    }
}
