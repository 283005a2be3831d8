namespace Ptvsd.Attach.Site;

/// <summary>How to reach the site, beyond its URI: which instance of a scaled-out site, and whether to trust any certificate.</summary>
/// <param name="Instance">The instance to pin (the <c>ARRAffinity</c> cookie value); null for whichever the front end picks.</param>
/// <param name="Insecure">Accept any TLS certificate; only ever when the user asked for it.</param>
internal sealed record SiteOptions(string? Instance = null, bool Insecure = false);
