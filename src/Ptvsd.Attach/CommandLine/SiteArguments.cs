using System.Net;
using Ptvsd.Attach.Site;
using Ptvsd.Attach.Target;
using Ptvsd.Contract;

namespace Ptvsd.Attach.CommandLine;

/// <summary>The arguments both commands share: which site (a URI or <c>--project</c>) and how to reach it.</summary>
internal static class SiteArguments
{
    public const string Project = "--project";
    public const string Instance = "--instance";
    public const string Insecure = "--insecure";

    public static AttachUri ReadTarget(CommandArguments args)
    {
        var project = args.Value(Project);
        return (args.Positional, project) switch
        {
            (null, null) => throw args.Mistake($"give the attach URI ({AttachUriParser.AcceptedForms})"),
            ({ }, { }) => throw args.Mistake("give either an attach URI or --project, not both"),
            (null, { }) => ProjectAttachFile.Read(project),
            _ => AttachUriArgument.Parse(args.Positional),
        };
    }

    public static SiteOptions ReadSiteOptions(CommandArguments args)
    {
        var instance = args.Value(Instance);
        if (instance is not null && (instance.Length is 0 or > 128 || !instance.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            throw args.Mistake("--instance takes an instance name: letters, digits, '-', '_' and '.' (the instance `ptvsd probe` reports)");
        }

        return new SiteOptions(instance, args.Has(Insecure));
    }

    /// <summary>Says out loud when the secret and the session may travel where others can read them.</summary>
    public static void WarnAboutExposure(AttachUri target, SiteOptions site, TextWriter errors)
    {
        if (site.Insecure && target.IsSecure)
        {
            errors.WriteLine("ptvsd: warning: --insecure: the site's TLS certificate is not checked; whoever sits in between could read the secret and the debug session");
        }

        if (!target.IsSecure && !IsLoopback(target.Host))
        {
            errors.WriteLine($"ptvsd: warning: ws:// sends the secret and the debug session to {target.Host} unencrypted; use wss:// unless the network is yours");
        }
    }

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
