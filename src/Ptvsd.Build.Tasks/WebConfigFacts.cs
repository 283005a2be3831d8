using System;
using System.IO;
using System.Linq;
using System.Xml;
using System.Xml.Linq;

namespace Ptvsd.Build.Tasks;

/// <summary>What a Debug publish needs to know from the project's own web.config.</summary>
internal sealed class WebConfigFacts
{
    public static readonly WebConfigFacts None = new(appCommand: null, usesFastCgi: false, disablesWebSockets: false);

    private WebConfigFacts(string? appCommand, bool usesFastCgi, bool disablesWebSockets)
    {
        AppCommand = appCommand;
        UsesFastCgi = usesFastCgi;
        DisablesWebSockets = disablesWebSockets;
    }

    /// <summary>The app's command line from HttpPlatformHandler, ready to go behind the proxy; null if there is none.</summary>
    public string? AppCommand { get; }

    /// <summary>The site runs Python through FastCGI (wfastcgi), which the proxy cannot front.</summary>
    public bool UsesFastCgi { get; }

    /// <summary><c>&lt;webSocket enabled="false"/&gt;</c>: the debugger's WebSocket would never reach the proxy.</summary>
    public bool DisablesWebSockets { get; }

    /// <summary>Reads <paramref name="path"/>; a missing file yields <see cref="None"/>.</summary>
    /// <exception cref="XmlException">The file is not well-formed XML (the exception carries the line).</exception>
    public static WebConfigFacts Read(string path)
    {
        if (!File.Exists(path))
        {
            return None;
        }

        var root = XDocument.Load(path, LoadOptions.SetLineInfo).Root;
        if (root is null)
        {
            return None;
        }

        var webServer = root.Elements("system.webServer").ToList();
        var httpPlatform = webServer.Elements("httpPlatform").FirstOrDefault();
        var processPath = (string?)httpPlatform?.Attribute("processPath");
        var appCommand = string.IsNullOrWhiteSpace(processPath)
            ? null
            : ProxyLaunch.AppCommandFromHttpPlatform(processPath!, (string?)httpPlatform!.Attribute("arguments") ?? "");
        // An already-proxied web.config with nothing after "--" names no app; the default applies then.
        appCommand = string.IsNullOrWhiteSpace(appCommand) ? null : appCommand;

        // wfastcgi's WSGI_HANDLER setting alone may be a leftover; it means FastCGI only where no httpPlatform runs the app.
        var usesFastCgi = webServer.Elements("handlers").Elements("add").Any(IsFastCgiHandler)
            || (appCommand is null && root.Elements("appSettings").Elements("add").Any(a => string.Equals((string?)a.Attribute("key"), "WSGI_HANDLER", StringComparison.OrdinalIgnoreCase)));

        var disablesWebSockets = webServer.Elements("webSocket")
            .Any(w => string.Equals(((string?)w.Attribute("enabled"))?.Trim(), "false", StringComparison.OrdinalIgnoreCase));

        return new WebConfigFacts(appCommand, usesFastCgi, disablesWebSockets);
    }

    private static bool IsFastCgiHandler(XElement handler) =>
        string.Equals((string?)handler.Attribute("modules"), "FastCgiModule", StringComparison.OrdinalIgnoreCase)
        || ((string?)handler.Attribute("scriptProcessor") ?? "").IndexOf("wfastcgi", StringComparison.OrdinalIgnoreCase) >= 0;
}
