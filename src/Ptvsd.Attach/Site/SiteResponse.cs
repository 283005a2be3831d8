using System.Net;

namespace Ptvsd.Attach.Site;

/// <summary>What the site answered to one plain HTTP request: enough to judge it, with the body read up to a bound.</summary>
internal sealed record SiteResponse(HttpStatusCode Status, string Body, string? WwwAuthenticate, TimeSpan? RetryAfter, Uri? Location)
{
    public int Code => (int)Status;
}
