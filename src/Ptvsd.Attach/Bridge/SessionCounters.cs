namespace Ptvsd.Attach.Bridge;

/// <summary>Bytes moved by one session each way, for its closing line; written by the two pumps, read at the end.</summary>
internal sealed class SessionCounters
{
    private long _toSite;
    private long _toDebugger;

    public long ToSite => Interlocked.Read(ref _toSite);

    public long ToDebugger => Interlocked.Read(ref _toDebugger);

    public void AddToSite(int count) => Interlocked.Add(ref _toSite, count);

    public void AddToDebugger(int count) => Interlocked.Add(ref _toDebugger, count);
}
