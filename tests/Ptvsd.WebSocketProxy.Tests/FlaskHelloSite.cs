using Ptvsd.Testing;

namespace Ptvsd.WebSocketProxy.Tests;

/// <summary>The FlaskHello sample and the line its tests break on.</summary>
internal static class FlaskHelloSite
{
    public static string Folder => RepoPaths.Sample("FlaskHello");

    public static string AppPath => Path.Combine(Folder, "app.py");

    public static int BreakpointLine(string appPath) => SourceMarkers.LineOf(appPath);

    /// <summary>
    /// Lays a site out as a Debug publish does: the app at the root, the proxy and its bootstrap under ptvsd/,
    /// and the secret in web.config's appSettings.
    /// </summary>
    public static string Publish(string secret)
    {
        var site = Directory.CreateTempSubdirectory("ptvsd-site-").FullName;
        foreach (var file in Directory.EnumerateFiles(Folder).Where(f => !f.EndsWith(".config", StringComparison.Ordinal)))
        {
            File.Copy(file, Path.Combine(site, Path.GetFileName(file)));
        }

        var proxyFolder = Directory.CreateDirectory(Path.Combine(site, "ptvsd")).FullName;
        foreach (var name in new[] { "Ptvsd.WebSocketProxy.dll", "Ptvsd.WebSocketProxy.runtimeconfig.json", "Ptvsd.WebSocketProxy.deps.json" })
        {
            File.Copy(Path.Combine(AppContext.BaseDirectory, name), Path.Combine(proxyFolder, name));
        }

        var bootstrap = Directory.CreateDirectory(Path.Combine(proxyFolder, "bootstrap")).FullName;
        File.Copy(Path.Combine(AppContext.BaseDirectory, "bootstrap", "sitecustomize.py"), Path.Combine(bootstrap, "sitecustomize.py"));

        File.WriteAllText(Path.Combine(site, "web.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <appSettings>
                <add key="WSGI_PTVSD_SECRET" value="{secret}" />
              </appSettings>
            </configuration>
            """);
        return site;
    }
}
