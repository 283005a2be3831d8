namespace Ptvsd.Testing;

/// <summary>
/// Calls a caller-supplied log sink (typically xunit's <c>ITestOutputHelper.WriteLine</c>) from
/// background loops.
/// </summary>
internal static class OutputSink
{
    public static void Write(Action<string>? sink, string line)
    {
        if (sink is null)
        {
            return;
        }

        try
        {
            sink(line);
        }
        catch (InvalidOperationException)
        {
            // xunit's ITestOutputHelper throws once its test has finished ("There is no currently
            // active test"). Output from a child process or DAP reader that outlives the test is
            // expected then; the line is still in the owner's own buffer, and crashing the
            // background loop over it would hide the real result.
            return;
        }
    }
}
