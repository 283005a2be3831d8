namespace Ptvsd.Azure.Sdk.Tests;

/// <summary>Runs the <c>dotnet</c> CLI as a user would, with NuGet pointed at the test feed's packages folder.</summary>
internal static class DotnetCli
{
    // Microsoft.Build.Locator sets these in the test process for in-process evaluation; a child `dotnet`
    // must find its own MSBuild instead.
    private static readonly string[] LocatorVariables = ["MSBUILD_EXE_PATH", "MSBuildExtensionsPath", "MSBuildSDKsPath"];

    public static async Task<(int ExitCode, string Output)> RunAsync(
        SdkFeed feed, string workingDirectory, IEnumerable<string> arguments, ITestOutputHelper output, CancellationToken cancellationToken)
    {
        var start = new ManagedProcessStartInfo("dotnet", arguments)
        {
            WorkingDirectory = workingDirectory,
            Output = output.WriteLine,
        };
        start.Environment["NUGET_PACKAGES"] = feed.PackagesFolder;
        // No build servers left behind holding the test's files, and no first-run banners in the output.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var name in LocatorVariables)
        {
            start.Environment[name] = null;
        }

        await using var dotnet = ManagedProcess.Start(start);
        var exitCode = await dotnet.WaitForExitAsync(TimeSpan.FromMinutes(3), cancellationToken);
        return (exitCode, string.Join('\n', dotnet.Output));
    }
}
