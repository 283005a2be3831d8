using System.CommandLine;
using System.CommandLine.Invocation;

namespace Ptvsd.Attach.CommandLine;

/// <summary>
/// <c>ptvsd --version</c>: the package version, as <c>dotnet tool list</c> shows it, rather than System.CommandLine's
/// informational version with its commit hash.
/// </summary>
internal sealed class VersionAction : SynchronousCommandLineAction
{
    public override bool ClearsParseErrors => true;

    public override int Invoke(ParseResult parseResult)
    {
        parseResult.InvocationConfiguration.Output.WriteLine(ToolVersion.Current);
        return Cli.Success;
    }
}
