using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ptvsd.Attach.Tests;

/// <summary>A real HTTP server in this process, answering every request with the given handler: a site that is not the proxy.</summary>
internal sealed class KestrelSite : IAsyncDisposable
{
    private readonly WebApplication _app;

    private KestrelSite(WebApplication app)
    {
        _app = app;
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        BaseUri = new Uri(address.TrimEnd('/') + "/");
    }

    public Uri BaseUri { get; }

    public string Authority => BaseUri.Authority;

    /// <param name="handler">Answers every request.</param>
    /// <param name="certificate">Serve HTTPS with this certificate instead of plain HTTP.</param>
    public static async Task<KestrelSite> StartAsync(RequestDelegate handler, X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync();
        return new KestrelSite(app);
    }

    /// <summary>
    /// An HTTP/1.1 reverse proxy without WebSocket support in front of <paramref name="target"/>: it forwards each
    /// request as a plain request, dropping the hop-by-hop headers (Connection, Upgrade) as RFC 9110 says to, which is
    /// exactly how a WebSocket upgrade gets lost in front of a site.
    /// </summary>
    public static Task<KestrelSite> StartFrontEndWithoutWebSocketsAsync(Uri target)
    {
        var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
        return StartAsync(async context =>
        {
            using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), new Uri(target, context.Request.Path + context.Request.QueryString));
            foreach (var (name, values) in context.Request.Headers)
            {
                if (!IsHopByHop(name) && !name.StartsWith("Sec-WebSocket", StringComparison.OrdinalIgnoreCase) && !name.Equals("Host", StringComparison.OrdinalIgnoreCase))
                {
                    request.Headers.TryAddWithoutValidation(name, [.. values]);
                }
            }

            using var response = await http.SendAsync(request, context.RequestAborted);
            context.Response.StatusCode = (int)response.StatusCode;
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            {
                if (!IsHopByHop(name))
                {
                    context.Response.Headers[name] = values.ToArray();
                }
            }

            await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
        });
    }

    /// <summary>A certificate for 127.0.0.1 that no machine trusts: what a test site with its own certificate has.</summary>
    public static X509Certificate2 SelfSignedCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));

        // Round-tripped through PKCS#12 so that TLS on Linux can use the private key.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static bool IsHopByHop(string name) =>
        name.ToLowerInvariant() is "connection" or "upgrade" or "keep-alive" or "transfer-encoding" or "te" or "trailer" or "proxy-connection" or "content-length";
}
