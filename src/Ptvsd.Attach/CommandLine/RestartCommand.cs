using System.CommandLine;
using System.Net;
using System.Text.Json;
using Ptvsd.Attach.Site;
using Ptvsd.Contract;

namespace Ptvsd.Attach.CommandLine;

/// <summary>What <c>ptvsd restart</c> was asked to do.</summary>
internal sealed record RestartSettings(AttachUri Target, SiteOptions Site);

/// <summary><c>ptvsd restart</c>: asks the proxy to restart the app and its debugger, which recovers a wedged debugger without a redeploy.</summary>
internal sealed class RestartCommand : SiteCommand
{
    private const string UsageText = """
        Usage: ptvsd restart URI [options]
               ptvsd restart --project PATH [options]

        Restarts the site's app and its debugger through the debug proxy: the proxy ends the app and everything it left
        running (debugpy's adapter too) and starts it again at once. For a debugger that accepts connections but never
        answers, or an app that must start afresh, without publishing again. Attached debuggers are disconnected.

        URI: as for `ptvsd attach`: wss://SECRET@host[:port]/ptvsd, ws://SECRET@host:port/ptvsd, or SECRET@host

        Options:
          --project PATH    Use the URI the last Debug publish of this project wrote (obj/ptvsd/attach.json)
          --instance NAME   Restart the app on one instance of a scaled-out site (sends the ARRAffinity cookie)
          --insecure        Accept any TLS certificate (only for a test site you trust)
          -h, --help        Show this help

        Exit codes: 0 the restart is under way, 1 the site refused or could not be reached, 2 a mistake in the command line.
        """;

    public RestartCommand()
        : base("restart", UsageText)
    {
        SetAction((result, cancellationToken) => RunAsync(Read(result), result.InvocationConfiguration.Output, result.InvocationConfiguration.Error, cancellationToken));
    }

    /// <summary>Reads the settings from a line <see cref="SiteCommand.FindSyntaxMistake"/> passed.</summary>
    private RestartSettings Read(ParseResult result) => new(ReadTarget(result), ReadSiteOptions(result));

    private static async Task<int> RunAsync(RestartSettings settings, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        WarnAboutExposure(settings.Target, settings.Site, errors);
        using var site = new SiteClient(settings.Target, settings.Site);
        SiteResponse response;
        try
        {
            response = await site.PostRestartAsync(cancellationToken);
        }
        catch (SiteException ex)
        {
            errors.WriteLine($"ptvsd: restart failed: {ex.Diagnosis}");
            return Cli.Failure;
        }

        if (response.Status == HttpStatusCode.Accepted)
        {
            output.WriteLine($"Restarting the app{PreviousProcess(response.Body)} and its debugger on {settings.Target.Authority}; " +
                $"`ptvsd probe {settings.Target.Display}` shows when the debugger listens again.");
            return Cli.Success;
        }

        errors.WriteLine($"ptvsd: restart failed: {Diagnose(response)}");
        return Cli.Failure;
    }

    private static Diagnosis Diagnose(SiteResponse response) => response.Status switch
    {
        HttpStatusCode.Conflict => new("the debug proxy starts no app here (HTTP 409)",
            "the proxy forwards to an app that runs on its own (--app-url), or serves /ptvsd only",
            "restart the app where it runs"),
        HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed => new($"the site has no restart endpoint (HTTP {(int)response.Status})",
            "the site runs a debug proxy from an older Ptvsd.Azure.Sdk, or is not published in Debug",
            "publish with `dotnet publish -c Debug` and the current Ptvsd.Azure.Sdk, or restart the site itself (`az webapp restart`)"),
        HttpStatusCode.ServiceUnavailable => Diagnosis.RelayClosed(null),
        _ => Diagnosis.SessionRefused(response.Status, response.RetryAfter),
    };

    private static string PreviousProcess(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("previousPid", out var pid) && pid.ValueKind == JsonValueKind.Number ? $" (pid {pid.GetInt32()})" : "";
        }
        catch (JsonException)
        {
            return "";
        }
    }
}
