using Microsoft.AspNetCore.Http.Features;
using Ptvsd.WebSocketProxy.Authentication;
using Ptvsd.WebSocketProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace Ptvsd.WebSocketProxy.Forwarding;

/// <summary>
/// Shapes the request the app receives. YARP has already copied the client's headers without the hop-by-hop ones;
/// this decides the target and strips what only this hop, or only the proxy, may see.
/// </summary>
public sealed class AppRequestTransformer(ProxyOptions options, ProxyHop hop) : HttpTransformer
{
    // Framing is the forwarder's own business, and a WebSocket upgrade needs its Upgrade header, which the client
    // lists in Connection as it must.
    private static readonly HashSet<string> KeptEvenIfNamedInConnection = new(StringComparer.OrdinalIgnoreCase)
    {
        "Upgrade", "Content-Length", "Transfer-Encoding",
    };

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        var target = httpContext.Features.GetRequiredFeature<RequestTarget>();

        // 1. The app's origin and the checked target, never anything the client's raw target said.
        proxyRequest.RequestUri = new Uri(destinationPrefix + target.PathAndQuery, UriKind.Absolute);

        // 2. Headers the client named in Connection describe the hop to the proxy, not a request to the app.
        foreach (var name in ForwardedHeaders.NamedInConnection(httpContext))
        {
            if (!KeptEvenIfNamedInConnection.Contains(name))
            {
                proxyRequest.Headers.Remove(name);
                proxyRequest.Content?.Headers.Remove(name);
            }
        }

        // 3. The secret never leaves the proxy: a client that sends it to the site as a whole (a browser that was
        //    given wss://SECRET@host, a script) must not hand it to the app as well.
        if (CarriesTheSecret(httpContext.Request.Headers.Authorization))
        {
            proxyRequest.Headers.Authorization = null;
        }

        // 4. The app sees the host the client asked for, who asked, and that this proxy passed the request on.
        proxyRequest.Headers.Host = httpContext.Request.Host.HasValue ? httpContext.Request.Host.Value : null;
        foreach (var (name, values) in ForwardedHeaders.For(httpContext))
        {
            proxyRequest.Headers.Remove(name);
            proxyRequest.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
        }

        proxyRequest.Headers.Remove("Via");
        proxyRequest.Headers.TryAddWithoutValidation("Via", ForwardedHeaders.Append(httpContext.Request.Headers.Via, hop.ViaEntry).ToString());
    }

    private bool CarriesTheSecret(Microsoft.Extensions.Primitives.StringValues authorization)
    {
        foreach (var value in authorization)
        {
            var credentials = Credentials.FromAuthorizationHeader(value);
            if (credentials.Kind == CredentialsKind.Present && options.Secret?.Matches(credentials.Secret) == true)
            {
                return true;
            }
        }

        return false;
    }
}
