namespace Ptvsd.Attach;

/// <summary>The tool's own version, as <c>--version</c> prints it and the User-Agent carries it: its package's version.</summary>
internal static class ToolVersion
{
    public static string Current => ThisAssembly.NuGetPackageVersion;
}
