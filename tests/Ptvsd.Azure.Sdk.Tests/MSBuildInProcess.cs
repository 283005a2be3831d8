using Microsoft.Build.Locator;

namespace Ptvsd.Azure.Sdk.Tests;

/// <summary>
/// Registers the installed .NET SDK's MSBuild with Microsoft.Build.Locator once per test process. It must run
/// before any method that touches Microsoft.Build types is compiled, so callers keep those in other methods.
/// </summary>
internal static class MSBuildInProcess
{
    private static readonly Lazy<string> Registered = new(() =>
    {
        var instance = MSBuildLocator.RegisterDefaults();
        return instance.MSBuildPath;
    });

    /// <summary>The folder of the MSBuild in use (the .NET SDK's folder).</summary>
    public static string EnsureRegistered() => Registered.Value;
}
