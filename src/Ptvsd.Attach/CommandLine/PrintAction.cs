using System.CommandLine;
using System.CommandLine.Invocation;

namespace Ptvsd.Attach.CommandLine;

/// <summary>
/// Prints one text to stdout and exits 0, whatever else is on the line: what help (<c>--help</c>, <c>-h</c>, <c>-?</c>,
/// <c>ptvsd help [command]</c>) and <c>--version</c> do.
/// </summary>
internal sealed class PrintAction(Func<ParseResult, string> text) : SynchronousCommandLineAction
{
    public override bool ClearsParseErrors => true;

    public override int Invoke(ParseResult parseResult)
    {
        parseResult.InvocationConfiguration.Output.WriteLine(text(parseResult));
        return Cli.Success;
    }
}
