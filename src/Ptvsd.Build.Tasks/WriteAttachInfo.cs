using System.IO;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using Ptvsd.Contract;

namespace Ptvsd.Build.Tasks;

/// <summary>
/// Records the last Debug publish's attach URI in the attach-info file (<see cref="AttachInfoFile"/>), where
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
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(File))!);
        AtomicFile.WriteAllText(File, AttachInfoFile.Render(AttachUri, string.IsNullOrEmpty(PublishDir) ? "" : Path.GetFullPath(PublishDir)));
        return true;
    }
}
