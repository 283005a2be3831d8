using System.IO;
using System.Text;

namespace Ptvsd.Contract;

/// <summary>
/// The file in which a Debug publish records its attach URI for <c>ptvsd attach --project</c>: always
/// <c>&lt;project dir&gt;/obj/ptvsd/attach.json</c>, whatever the build's output layout, so the tool finds it from the
/// project alone. Its schema: <c>{"attachUri": "wss://SECRET@host/ptvsd", "publishDir": "/abs/path/"}</c>; readers
/// ignore other properties.
/// </summary>
internal static class AttachInfoFile
{
    public const string AttachUriProperty = "attachUri";

    public const string PublishDirProperty = "publishDir";

    /// <summary>The file's path relative to the project directory.</summary>
    public static readonly string RelativePath = Path.Combine("obj", "ptvsd", "attach.json");

    /// <summary>The file for the project in <paramref name="projectDirectory"/>.</summary>
    public static string For(string projectDirectory) => Path.Combine(projectDirectory, RelativePath);

    /// <summary>The file's text: UTF-8 JSON, one property per line.</summary>
    public static string Render(string attachUri, string publishDir) =>
        new StringBuilder()
            .Append("{\n")
            .Append("  \"").Append(AttachUriProperty).Append("\": ").Append(JsonString(attachUri)).Append(",\n")
            .Append("  \"").Append(PublishDirProperty).Append("\": ").Append(JsonString(publishDir)).Append('\n')
            .Append("}\n")
            .ToString();

    private static string JsonString(string value)
    {
        var json = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': json.Append("\\\""); break;
                case '\\': json.Append("\\\\"); break;
                case < ' ': json.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture)); break;
                default: json.Append(c); break;
            }
        }

        return json.Append('"').ToString();
    }
}
