using System.IO;
using System.Text;

namespace Ptvsd.Build.Tasks;

/// <summary>Writes a file so that readers see either the old or the new content, never half of it.</summary>
internal static class AtomicFile
{
    public static void WriteAllText(string path, string text)
    {
        var full = Path.GetFullPath(path);
        var temporary = full + "." + Path.GetRandomFileName() + ".tmp";
        File.WriteAllText(temporary, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        try
        {
            if (File.Exists(full))
            {
                File.Replace(temporary, full, destinationBackupFileName: null);
            }
            else
            {
                File.Move(temporary, full);
            }
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
