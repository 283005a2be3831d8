using System.Net;

namespace Ptvsd.Testing;

/// <summary>Waits for an app behind the debug proxy.</summary>
public static class ProxiedApp
{
    /// <summary>
    /// Waits until <paramref name="baseUri"/> answers 200: the proxy answers 502 while the app it supervises is
    /// still starting. Any other status means something is wrong and throws at once.
    /// </summary>
    public static async Task WaitUntilServingAsync(Uri baseUri, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = baseUri };
        while (true)
        {
            using var response = await http.GetAsync("/?name=ready", cancellationToken);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return;
            }

            if (response.StatusCode != HttpStatusCode.BadGateway)
            {
                throw new InvalidOperationException($"{baseUri} answered {(int)response.StatusCode} while the app was starting; expected 502 until it serves 200.");
            }

            await Task.Delay(100, cancellationToken);
        }
    }
}
