using System;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;

namespace Ptvsd.Build.Tasks;

/// <summary>Asks git whether a file is tracked, so the SDK can warn before a secret reaches source control.</summary>
internal static class GitTracking
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>
    /// True if git tracks <paramref name="path"/>; false if it does not, the folder is no repository, or git
    /// is not installed (then <paramref name="unknownBecause"/> says why, for a low-importance message).
    /// </summary>
    public static bool IsTracked(string path, out string? unknownBecause)
    {
        unknownBecause = null;
        var start = new ProcessStartInfo("git")
        {
            WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(path)),
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        start.Arguments = "ls-files --error-unmatch -- \"" + Path.GetFileName(path) + "\"";

        try
        {
            using var git = Process.Start(start)!;
            // Drain both pipes so a chatty git can never block on a full pipe.
            var output = git.StandardOutput.ReadToEndAsync();
            var errors = git.StandardError.ReadToEndAsync();
            if (!git.WaitForExit((int)Patience.TotalMilliseconds))
            {
                git.Kill();
                unknownBecause = $"git did not answer within {Patience.TotalSeconds:0} s";
                return false;
            }

            git.WaitForExit();
            _ = output.Result + errors.Result;
            return git.ExitCode == 0;
        }
        catch (Win32Exception e)
        {
            unknownBecause = "git is not available: " + e.Message;
            return false;
        }
    }
}
