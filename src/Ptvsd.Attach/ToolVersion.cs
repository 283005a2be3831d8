using System.Reflection;

namespace Ptvsd.Attach;

/// <summary>The tool's own version, as <c>--version</c> prints it and the User-Agent carries it.</summary>
internal static class ToolVersion
{
    public static string Current { get; } =
        typeof(ToolVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown";
}
