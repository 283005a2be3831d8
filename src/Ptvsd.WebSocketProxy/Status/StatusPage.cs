using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ptvsd.WebSocketProxy.Status;

/// <summary>Renders the status as the HTML page a person opens in a browser to check that the proxy is deployed.</summary>
public static class StatusPage
{
    // The JSON is served as application/json and HTML-encoded again on the page, so '+' in a version need not be escaped.
    public static readonly JsonSerializerOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly JsonSerializerOptions Indented = new(JsonOptions) { WriteIndented = true };

    public static string Render(JsonObject status, string host)
    {
        var html = HtmlEncoder.Default;
        var uri = $"wss://<secret>@{host}/ptvsd";
        var page = new StringBuilder();
        page.Append("""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><meta name="robots" content="noindex"><title>ptvsd debug proxy</title>
            <style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
            code,pre{background:#f3f3f3;padding:.1rem .3rem;border-radius:3px}pre{padding:.6rem;overflow-x:auto}
            .ok{color:#0a7d28}.closed{color:#b3261e}</style></head>
            <body>
            <h1>ptvsd debug proxy</h1>
            """);

        page.Append("<p class=\"ok\">The debug proxy is up.</p>\n");
        if (status["relay"]?.GetValue<string>() == "closed")
        {
            page.Append("<p class=\"closed\">The debugger relay is closed: ")
                .Append(html.Encode(status["reason"]?.GetValue<string>() ?? "no secret is configured"))
                .Append(".</p>\n");
        }

        page.Append("<h2>Attach a debugger</h2>\n<p>The attach URI was printed by <code>dotnet publish -c Debug</code>; it has this shape:</p>\n<pre>")
            .Append(html.Encode(uri))
            .Append("</pre>\n<p>On your machine, bridge it to a local port and attach VS Code or Visual Studio to <code>localhost:5678</code>:</p>\n<pre>")
            .Append(html.Encode($"ptvsd attach {uri}"))
            .Append("</pre>\n<p>If attaching fails, <code>")
            .Append(html.Encode($"ptvsd probe {uri}"))
            .Append("</code> says why.</p>\n");

        if (status["authenticated"]?.GetValue<bool>() == true)
        {
            page.Append("<h2>Status</h2>\n<pre>").Append(html.Encode(status.ToJsonString(Indented))).Append("</pre>\n");
        }
        else
        {
            page.Append("<p>Request this page with the secret as credentials (or <code>?format=json</code>) for the debug server and app status.</p>\n");
        }

        page.Append("</body>\n</html>\n");
        return page.ToString();
    }
}
