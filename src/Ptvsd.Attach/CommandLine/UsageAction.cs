using System.CommandLine;
using System.CommandLine.Invocation;

namespace Ptvsd.Attach.CommandLine;

/// <summary>
/// What <c>--help</c>, <c>-h</c>, <c>-?</c> and <c>ptvsd help [command]</c> do: print the command's usage to stdout and
/// exit 0, whatever else is on the line.
/// </summary>
internal sealed class UsageAction : SynchronousCommandLineAction
{
    public override bool ClearsParseErrors => true;

    public override int Invoke(ParseResult parseResult)
    {
        var command = parseResult.CommandResult.Command;
        if (command.Name == "help" && parseResult.CommandResult.Tokens is [var topic, ..])
        {
            command = parseResult.RootCommandResult.Command.Subcommands.FirstOrDefault(c => c.Name == topic.Value) ?? command;
        }

        parseResult.InvocationConfiguration.Output.WriteLine(command is SiteCommand siteCommand ? siteCommand.Usage : Cli.Usage);
        return Cli.Success;
    }
}
