using System.Globalization;
using System.Net;
using Ptvsd.Attach.Site;

namespace Ptvsd.Attach.Bridge;

/// <summary>
/// One line per session event, time-stamped: a session opened, a session closed (why, bytes each way, duration), a
/// connection that closed empty, a session the site refused. Failures go to stderr, the rest to stdout.
/// </summary>
internal sealed class BridgeReport(TextWriter output, TextWriter errors, TimeProvider time)
{
    // Sessions report from many threads at once; a line must never be torn.
    private readonly TextWriter _output = TextWriter.Synchronized(output);
    private readonly TextWriter _errors = TextWriter.Synchronized(errors);

    public void Opened(int session, EndPoint? debugger) =>
        Write(_output, $"session {session} opened for the debugger at {debugger}");

    public void Closed(int session, string ending, long bytesToSite, long bytesBack, TimeSpan duration) =>
        Write(_output, $"session {session} closed: {ending}; {Size(bytesToSite)} to the site, {Size(bytesBack)} back, "
            + $"{duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s");

    public void ClosedEmpty(int session, EndPoint? debugger) =>
        Write(_output, $"session {session}: the connection from {debugger} closed without sending anything; nothing was opened at the site");

    public void Refused(int session, Diagnosis diagnosis) =>
        Write(_errors, $"session {session} could not open: {diagnosis}");

    public void Failed(int session, Exception exception) =>
        Write(_errors, $"session {session} failed unexpectedly: {exception.GetType().Name}: {exception.Message}");

    public void Stopping(int activeSessions) =>
        Write(_output, activeSessions == 0 ? "stopping" : $"stopping: closing {activeSessions} session{(activeSessions == 1 ? "" : "s")}");

    public void StopTimedOut(int openSessions, TimeSpan limit) =>
        Write(_errors, $"{openSessions} session(s) did not close within {limit.TotalSeconds:0} s and were dropped");

    public void Stopped() => Write(_output, "stopped");

    private void Write(TextWriter writer, string line) =>
        writer.WriteLine($"{time.GetLocalNow():HH:mm:ss} {line}");

    private static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => (bytes / 1024.0).ToString("0.0 KiB", CultureInfo.InvariantCulture),
        _ => (bytes / (1024.0 * 1024)).ToString("0.0 MiB", CultureInfo.InvariantCulture),
    };
}
