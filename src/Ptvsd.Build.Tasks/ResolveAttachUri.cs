using System;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using Ptvsd.Contract;

namespace Ptvsd.Build.Tasks;

/// <summary>
/// Composes the attach URI <c>wss://SECRET@HOST/ptvsd</c>. The host comes from the first of: the site URL, the
/// site name (an App Service name, or a host name if it has a dot), the publish profile's site URL, the
/// publish profile's site name, and finally the project's name as an App Service name. The URI is built by the
/// contract's <see cref="Contract.AttachUri"/> and read back by its parser, the code <c>ptvsd</c> reads it with, so the
/// build never prints a URI the client refuses. A site URL with a path is refused: the proxy is the site's front door
/// and answers at the root only.
/// </summary>
public sealed class ResolveAttachUri : Task
{
    private const string AppServiceDomain = ".azurewebsites.net";

    [Required]
    public string Secret { get; set; } = "";

    /// <summary><c>PtvsdSiteUrl</c>: http(s)://host[:port]; http gives ws://, https gives wss://.</summary>
    public string? SiteUrl { get; set; }

    /// <summary><c>PtvsdSiteName</c>.</summary>
    public string? SiteName { get; set; }

    /// <summary>The publish profile's <c>SiteUrlToLaunchAfterPublish</c>.</summary>
    public string? ProfileSiteUrl { get; set; }

    /// <summary>The publish profile's <c>PublishSiteName</c>.</summary>
    public string? ProfileSiteName { get; set; }

    [Required]
    public string ProjectName { get; set; } = "";

    [Output]
    public string AttachUri { get; private set; } = "";

    public override bool Execute()
    {
        Uri? site;
        if (!string.IsNullOrWhiteSpace(SiteUrl))
        {
            site = ParseSiteUrl(SiteUrl!);
            if (site is null)
            {
                Log.BadSiteUrl(SiteUrl!);
                return false;
            }

            if (site.AbsolutePath != "/")
            {
                Log.PathBase(SiteUrl!.Trim(), site.AbsolutePath);
                return false;
            }
        }
        else if (!string.IsNullOrWhiteSpace(SiteName))
        {
            site = FromSiteName(SiteName);
            if (site is null)
            {
                Log.BadSiteName(SiteName!);
                return false;
            }
        }
        else
        {
            // The publish profile's values are not ours to judge: one that is no URL or host is passed over.
            site = (string.IsNullOrWhiteSpace(ProfileSiteUrl) ? null : ParseSiteUrl(ProfileSiteUrl!))
                ?? FromSiteName(ProfileSiteName)
                ?? FromSiteName(ToHostLabel(ProjectName))!;
        }

        var attachUri = Compose(site, Secret);
        if (!AttachUriParser.TryParse(attachUri, out _, out var problem))
        {
            Log.BadSiteUrl(SiteUrl ?? SiteName ?? ProfileSiteUrl ?? ProfileSiteName ?? ProjectName, problem);
            return false;
        }

        AttachUri = attachUri;
        return true;
    }

    /// <summary>The attach URI on <paramref name="site"/>: its host and port (never a path: a profile's launch URL may name a page), the WebSocket scheme.</summary>
    internal static string Compose(Uri site, string secret) =>
        new AttachUri(site.Scheme is "https" or "wss", site.Host, site.IsDefaultPort ? null : site.Port, secret).ToStringWithSecret();

    private static Uri? ParseSiteUrl(string value) =>
        Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri)
        && uri.Scheme is "http" or "https" or "ws" or "wss"
        && uri.UserInfo.Length == 0
        && uri.HostNameType is UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6
            ? uri
            : null;

    private static Uri? FromSiteName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        var host = name!.Trim().ToLowerInvariant();
        if (!host.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '.'))
        {
            return null;
        }

        return ParseSiteUrl("https://" + (host.IndexOf('.') >= 0 ? host : host + AppServiceDomain));
    }

    // App Service names are letters, digits and hyphens; a project name like "Flask_Hello 2" becomes "flask-hello-2".
    private static string ToHostLabel(string projectName)
    {
        var label = new StringBuilder(projectName.Length);
        foreach (var c in projectName.ToLowerInvariant())
        {
            label.Append(c is >= 'a' and <= 'z' or >= '0' and <= '9' ? c : '-');
        }

        var trimmed = label.ToString().Trim('-');
        return trimmed.Length == 0 ? "site" : trimmed;
    }
}
