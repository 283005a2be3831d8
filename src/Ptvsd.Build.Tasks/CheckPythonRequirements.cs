using System;
using System.IO;
using System.Linq;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Ptvsd.Build.Tasks;

/// <summary>Warns when the app's requirements.txt does not name debugpy: the host installs from it.</summary>
public sealed class CheckPythonRequirements : Task
{
    [Required]
    public string RequirementsFile { get; set; } = "";

    public override bool Execute()
    {
        if (!File.Exists(RequirementsFile))
        {
            Log.LogMessage(MessageImportance.Low, "Ptvsd: {0} does not exist; not checking for debugpy.", RequirementsFile);
            return true;
        }

        if (!File.ReadLines(RequirementsFile).Any(NamesDebugpy))
        {
            Log.NoDebugpyRequirement(RequirementsFile);
        }

        return true;
    }

    /// <summary>A requirement line whose project name is debugpy (PEP 503 names: case, '-', '_' and '.' alike).</summary>
    internal static bool NamesDebugpy(string line)
    {
        var hash = line.IndexOf('#');
        var requirement = (hash >= 0 ? line.Substring(0, hash) : line).Trim();
        var nameEnd = 0;
        while (nameEnd < requirement.Length && (char.IsLetterOrDigit(requirement[nameEnd]) || requirement[nameEnd] is '-' or '_' or '.'))
        {
            nameEnd++;
        }

        var name = requirement.Substring(0, nameEnd).Replace('_', '-').Replace('.', '-');
        return string.Equals(name, "debugpy", StringComparison.OrdinalIgnoreCase);
    }
}
