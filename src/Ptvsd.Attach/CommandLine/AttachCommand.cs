using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Ptvsd.Attach.Bridge;
using Ptvsd.Attach.Site;
using Ptvsd.Attach.Target;
using Ptvsd.Contract;

namespace Ptvsd.Attach.CommandLine;

/// <summary>What <c>ptvsd attach</c> was asked to do.</summary>
internal sealed record AttachSettings(AttachUri Target, SiteOptions Site, IPEndPoint Listen, string RemoteRoot);

/// <summary><c>ptvsd attach</c>: bridges a local port to the site until Ctrl+C.</summary>
internal sealed class AttachCommand : SiteCommand
{
    public const int DefaultPort = 5678;

    private const string UsageText = """
        Usage: ptvsd attach URI [options]
               ptvsd attach --project PATH [options]

        Listens on a local TCP port and relays every connection to the site's debug WebSocket, so any Debug
        Adapter Protocol client (VS Code, Visual Studio) attaches to 127.0.0.1:5678 as if debugpy ran here.
        Prints the endpoint, a VS Code launch.json configuration and the Visual Studio steps; then one line per
        session. Stop with Ctrl+C.

        URI: the attach URI printed by `dotnet publish -c Debug`:
             wss://SECRET@host[:port]/ptvsd, ws://SECRET@host:port/ptvsd, or SECRET@host (meaning wss://host/ptvsd)

        Options:
          --project PATH       Use the URI the last Debug publish of this project wrote (obj/ptvsd/attach.json);
                               PATH is the project's folder or project file
          --port N             Local port to listen on (default 5678; 0 picks a free one)
          --bind ADDRESS       Local address to listen on (default 127.0.0.1)
          --instance NAME      Pin one instance of a scaled-out site (sends the ARRAffinity cookie)
          --remote-root PATH   The app's folder on the site, for the printed path mapping (default /home/site/wwwroot)
          --insecure           Accept any TLS certificate (only for a test site you trust)
          -h, --help           Show this help

        Exit codes: 0 stopped by Ctrl+C, 1 cannot listen on the port, 2 a mistake in the command line.
        """;

    private readonly Option<string> _port;
    private readonly Option<string> _bind;
    private readonly Option<string> _remoteRoot;

    public AttachCommand()
        : base("attach", UsageText)
    {
        _port = AddValued("--port");
        _bind = AddValued("--bind");
        _remoteRoot = AddValued("--remote-root");

        // Ctrl+C is how attach is meant to end: it closes every session and returns 0.
        SetAction((result, stopping) => RunAsync(Read(result), result.InvocationConfiguration.Output, result.InvocationConfiguration.Error, stopping));
    }

    /// <summary>Reads the settings from a line <see cref="SiteCommand.FindSyntaxMistake"/> passed.</summary>
    private AttachSettings Read(ParseResult result)
    {
        var port = DefaultPort;
        if (result.GetValue(_port) is { } portText
            && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535))
        {
            throw Mistake("--port takes a TCP port number (0-65535; 0 picks a free one)");
        }

        var bind = IPAddress.Loopback;
        if (result.GetValue(_bind) is { } bindText && !TryParseBindAddress(bindText, out bind))
        {
            throw Mistake("--bind takes an IP address of this machine, such as 127.0.0.1 or ::1");
        }

        var remoteRoot = result.GetValue(_remoteRoot) ?? AttachInstructions.DefaultRemoteRoot;
        if (string.IsNullOrWhiteSpace(remoteRoot))
        {
            throw Mistake("--remote-root is empty; give the app's folder on the site, e.g. /home/site/wwwroot");
        }

        // It is printed in the launch.json: an attach URI given here by mistake would print its secret.
        if (TypedText.MayHoldSecret(remoteRoot))
        {
            throw Mistake("--remote-root takes the app's folder on the site, e.g. /home/site/wwwroot, not the attach URI");
        }

        return new AttachSettings(ReadTarget(result), ReadSiteOptions(result), new IPEndPoint(bind, port), remoteRoot);
    }

    private static async Task<int> RunAsync(AttachSettings settings, TextWriter output, TextWriter errors, CancellationToken stopping)
    {
        WarnAboutExposure(settings.Target, settings.Site, errors);
        if (!IPAddress.IsLoopback(settings.Listen.Address))
        {
            errors.WriteLine($"ptvsd: warning: listening on {settings.Listen.Address}: anyone who can reach this machine on that port can attach a debugger to the site and run code in it");
        }

        using var site = new SiteClient(settings.Target, settings.Site);
        var report = new BridgeReport(output, errors, TimeProvider.System);
        AttachBridge bridge;
        try
        {
            bridge = AttachBridge.Listen(settings.Listen, site, report);
        }
        catch (SocketException ex)
        {
            errors.WriteLine($"ptvsd: cannot listen on {settings.Listen}: {ListenProblem(ex.SocketErrorCode)}");
            return 1;
        }

        using (bridge)
        {
            AttachInstructions.Write(output, bridge.LocalEndPoint, settings.Target, settings.RemoteRoot);
            await bridge.RunAsync(stopping);
        }

        return 0;
    }

    private static bool TryParseBindAddress(string text, out IPAddress address)
    {
        if (text.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            address = IPAddress.Loopback;
            return true;
        }

        return IPAddress.TryParse(text.Trim('[', ']'), out address!);
    }

    private static string ListenProblem(SocketError error) => error switch
    {
        SocketError.AddressAlreadyInUse => "the port is in use (another ptvsd attach, or debugpy itself?); choose another with --port, or --port 0 for a free one",
        SocketError.AddressNotAvailable => "that address is not one of this machine's; use --bind 127.0.0.1",
        SocketError.AccessDenied => "permission denied; ports below 1024 need administrator rights, so use a port such as 5678",
        _ => $"{error}",
    };
}
