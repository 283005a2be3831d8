using System.Xml;
using System.Xml.Linq;

namespace Ptvsd.WebSocketProxy.Configuration;

/// <summary>
/// Reads <c>configuration/appSettings/add</c> entries from the site's web.config. IIS HttpPlatformHandler
/// does not turn app settings into environment variables, so the secret written there by a Debug publish
/// has to be read from the file itself.
/// </summary>
public static class WebConfigAppSettings
{
    public static IReadOnlyDictionary<string, string> Read(string webConfigPath)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(webConfigPath))
        {
            return settings;
        }

        XDocument document;
        try
        {
            // No DTDs: the file is ours to read, not to resolve entities from.
            using var reader = XmlReader.Create(webConfigPath, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
            document = XDocument.Load(reader);
        }
        catch (XmlException ex)
        {
            throw new ProxyConfigurationException(
                $"{webConfigPath} is not valid XML (line {ex.LineNumber}, position {ex.LinePosition}): fix the file or set WSGI_PTVSD_SECRET in the environment.");
        }

        var adds = document.Root?.Element("appSettings")?.Elements("add") ?? [];
        foreach (var add in adds)
        {
            var key = (string?)add.Attribute("key");
            var value = (string?)add.Attribute("value");
            if (!string.IsNullOrEmpty(key) && value is not null)
            {
                settings[key] = value;
            }
        }

        return settings;
    }
}
