using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Ptvsd.Build.Tasks;

/// <summary>
/// Records the last Debug publish's attach URI under obj/ (<c>obj/ptvsd/attach.json</c> by default), where
/// <c>ptvsd attach --project</c> reads it.
/// </summary>
public sealed class WriteAttachInfo : Task
{
    [Required]
    public string File { get; set; } = "";

    [Required]
    public string AttachUri { get; set; } = "";

    /// <summary>The publish folder, so tools can find what was published.</summary>
    public string? PublishDir { get; set; }

    public override bool Execute()
    {
        var json = new StringBuilder()
            .Append("{\n")
            .Append("  \"attachUri\": ").Append(JsonString(AttachUri)).Append(",\n")
            .Append("  \"publishDir\": ").Append(JsonString(string.IsNullOrEmpty(PublishDir) ? "" : Path.GetFullPath(PublishDir))).Append('\n')
            .Append("}\n");

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(File))!);
        AtomicFile.WriteAllText(File, json.ToString());
        return true;
    }

    private static string JsonString(string value)
    {
        var json = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': json.Append("\\\""); break;
                case '\\': json.Append("\\\\"); break;
                case < ' ': json.Append("\\u").Append(((int)c).ToString("x4")); break;
                default: json.Append(c); break;
            }
        }

        return json.Append('"').ToString();
    }
}
