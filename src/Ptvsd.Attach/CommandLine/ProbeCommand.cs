using System.CommandLine;
using Ptvsd.Attach.Probe;
using Ptvsd.Attach.Site;
using Ptvsd.Attach.Target;
using Ptvsd.Contract;

namespace Ptvsd.Attach.CommandLine;

/// <summary>What <c>ptvsd probe</c> was asked to do.</summary>
internal sealed record ProbeSettings(AttachUri Target, SiteOptions Site, bool Json);

/// <summary><c>ptvsd probe</c>: runs the checks and prints them, as text or JSON.</summary>
internal sealed class ProbeCommand : SiteCommand
{
    private const string UsageText = """
        Usage: ptvsd probe URI [options]
               ptvsd probe --project PATH [options]

        Checks, in order, what attaching needs, and for the first check that fails says the likely cause and the fix:
          1. the site answers HTTP                  (site stopped? wrong host or port?)
          2. /ptvsd is the debug proxy              (not published in Debug? web.config changed, so the proxy is gone?)
          3. a WebSocket upgrade reaches the proxy  (web sockets disabled on the site?)
          4. the secret is accepted                 (a stale secret from an earlier publish?)
          5. the debug server is reachable          (debugpy not installed? app not started?)
        It only makes plain HTTP requests and never opens a debug session, so it cannot disturb one.

        URI: as for `ptvsd attach`: wss://SECRET@host[:port]/ptvsd, ws://SECRET@host:port/ptvsd, or SECRET@host

        Options:
          --project PATH    Use the URI the last Debug publish of this project wrote (obj/ptvsd/attach.json)
          --instance NAME   Probe one instance of a scaled-out site (sends the ARRAffinity cookie)
          --insecure        Accept any TLS certificate (only for a test site you trust)
          --json            Print the result as JSON
          -h, --help        Show this help

        Exit codes: 0 every check passed, 1 a check failed, 2 a mistake in the command line.
        """;

    private readonly Option<bool> _json;

    public ProbeCommand()
        : base("probe", UsageText)
    {
        _json = AddFlag("--json");
        SetAction(async (result, cancellationToken) =>
        {
            var settings = Read(result);
            try
            {
                return await RunAsync(settings, result.InvocationConfiguration.Output, result.InvocationConfiguration.Error, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                result.InvocationConfiguration.Error.WriteLine("ptvsd: probe interrupted");
                return Cli.Interrupted;
            }
        });
    }

    /// <summary>Reads the settings from a line <see cref="SiteCommand.FindSyntaxMistake"/> passed.</summary>
    private ProbeSettings Read(ParseResult result) => new(ReadTarget(result), ReadSiteOptions(result), result.GetValue(_json));

    private static async Task<int> RunAsync(ProbeSettings settings, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        WarnAboutExposure(settings.Target, settings.Site, errors);
        using var site = new SiteClient(settings.Target, settings.Site);
        var report = await new SiteProbe(site).RunAsync(cancellationToken);
        if (settings.Json)
        {
            report.WriteJson(output);
        }
        else
        {
            report.WriteText(output);
        }

        return report.Passed ? Cli.Success : Cli.Failure;
    }
}
