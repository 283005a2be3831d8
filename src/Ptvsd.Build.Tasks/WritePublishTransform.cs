using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using Ptvsd.Contract;

namespace Ptvsd.Build.Tasks;

/// <summary>
/// Writes the transform a Debug publish actually applies: web.debug.config with every <c>WSGI_PTVSD_SECRET</c> app
/// setting turned into a <c>WSGI_PTVSD_SECRET_VERIFIER</c> of the secret it sets, and any plain secret the project's
/// web.config itself carries removed. So no published file holds the secret, while web.debug.config beside the
/// project (generated or the user's own) keeps it, and the attach URI printed from it works unchanged.
/// </summary>
public sealed class WritePublishTransform : Task
{
    private static readonly XNamespace Xdt = "http://schemas.microsoft.com/XML-Document-Transform";

    /// <summary>web.debug.config, generated or the user's.</summary>
    [Required]
    public string TransformFile { get; set; } = "";

    /// <summary>Where to write the transform to apply, under obj/.</summary>
    [Required]
    public string OutputFile { get; set; } = "";

    /// <summary><c>PtvsdMaxDebugSessions</c>: the proxy's session cap, published as an app setting; empty leaves the proxy's default.</summary>
    public string? MaxDebugSessions { get; set; }

    public override bool Execute()
    {
        if (!Log.TryReadMaxDebugSessions(MaxDebugSessions, out var maxDebugSessions))
        {
            return false;
        }

        XDocument document;
        try
        {
            document = XDocument.Load(TransformFile, LoadOptions.PreserveWhitespace | LoadOptions.SetLineInfo);
        }
        catch (XmlException e)
        {
            Log.NotWellFormed(Diagnostics.MalformedTransform, TransformFile, e);
            return false;
        }

        AtomicFile.WriteAllText(OutputFile, Render(document, maxDebugSessions));
        return true;
    }

    internal static string Render(XDocument transform, int? maxDebugSessions = null)
    {
        var root = transform.Root!;

        // 1. The secret's settings become the verifier's, keeping whatever transform and locator each one used. Even a
        //    user-owned file that no longer starts the proxy is handled so: its secret must not be published either.
        var verifiers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var setting in root.Elements("appSettings").Elements("add").Where(IsSecretSetting).ToList())
        {
            var secret = (string?)setting.Attribute("value") ?? "";
            if (!verifiers.TryGetValue(secret, out var verifier))
            {
                verifiers[secret] = verifier = SecretVerifier.Create(secret);
            }

            setting.SetAttributeValue("key", SiteSettings.SecretVerifier);
            setting.SetAttributeValue("value", verifier);
            if ((string?)setting.Attribute(Xdt + "Locator") is { } locator && locator.Contains(SiteSettings.Secret))
            {
                setting.SetAttributeValue(Xdt + "Locator", locator.Replace(SiteSettings.Secret, SiteSettings.SecretVerifier));
            }
        }

        // 2. A plain secret already in the project's web.config goes too. Inserting one first gives RemoveAll a match
        //    every time, so XDT never warns that there was nothing to remove.
        root.Add(
            new XElement("appSettings", new XAttribute(Xdt + "Transform", "InsertIfMissing")),
            new XElement("appSettings",
                PlainSecret("InsertIfMissing"),
                PlainSecret("RemoveAll")));

        // 3. The project's session cap, for the proxy to read on either host (an app setting on the site still wins).
        if (maxDebugSessions is { } cap)
        {
            root.Add(new XElement("appSettings",
                Setting(SiteSettings.MaxDebugSessions, cap.ToString(CultureInfo.InvariantCulture), "InsertIfMissing"),
                Setting(SiteSettings.MaxDebugSessions, cap.ToString(CultureInfo.InvariantCulture), "SetAttributes(value)")));
        }

        var text = new StringBuilder();
        var settings = new XmlWriterSettings { OmitXmlDeclaration = transform.Declaration is null, Encoding = new UTF8Encoding(false) };
        using (var writer = XmlWriter.Create(new Utf8StringWriter(text), settings))
        {
            transform.Save(writer);
        }

        return text.ToString();
    }

    private static bool IsSecretSetting(XElement add) => (string?)add.Attribute("key") == SiteSettings.Secret;

    private static XElement PlainSecret(string transform) =>
        new("add",
            new XAttribute("key", SiteSettings.Secret),
            new XAttribute(Xdt + "Transform", transform),
            new XAttribute(Xdt + "Locator", "Match(key)"));

    private static XElement Setting(string key, string value, string transform) =>
        new("add",
            new XAttribute("key", key),
            new XAttribute("value", value),
            new XAttribute(Xdt + "Transform", transform),
            new XAttribute(Xdt + "Locator", "Match(key)"));
}
