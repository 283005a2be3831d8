using Ptvsd.Testing;

namespace Ptvsd.Benchmarks;

/// <summary>Wall time of one configuration's publishes.</summary>
public sealed record PublishTiming(string Configuration, bool WithSdk, IReadOnlyList<double> Seconds)
{
    public double Median => Statistics.Median(Seconds);

    /// <summary>Half the spread between the fastest and the slowest run: the run-to-run noise.</summary>
    public double HalfRange => (Seconds.Max() - Seconds.Min()) / 2;
}

/// <summary>
/// <c>dotnet publish</c> of samples/FlaskHello with and without Ptvsd.Azure.Sdk, Debug and Release, in one
/// run. Each publish is a fresh `dotnet` process as a user runs it; the four configurations take turns so that
/// a change in machine load touches them all alike.
/// </summary>
internal static class PublishBenchmark
{
    public const int Runs = 11;

    private static readonly string[] Configurations = ["Debug", "Release"];

    public static async Task<IReadOnlyList<PublishTiming>> MeasureAsync(CancellationToken cancellationToken)
    {
        var root = Directory.CreateTempSubdirectory("ptvsd-bench-publish-").FullName;
        try
        {
            var packages = Directory.CreateDirectory(Path.Combine(root, "packages")).FullName;
            var projects = new Dictionary<bool, string>
            {
                [true] = CopySample(root, "with-sdk", withSdk: true),
                [false] = CopySample(root, "without-sdk", withSdk: false),
            };

            var seconds = new Dictionary<(string, bool), List<double>>();
            for (var run = -1; run < Runs; run++)
            {
                foreach (var configuration in Configurations)
                {
                    foreach (var (withSdk, project) in projects)
                    {
                        var elapsed = await PublishAsync(project, configuration, packages, cancellationToken);
                        // Run -1 restores and warms the disk cache; it is not recorded.
                        if (run >= 0)
                        {
                            (seconds.TryGetValue((configuration, withSdk), out var list) ? list : seconds[(configuration, withSdk)] = []).Add(elapsed);
                        }
                    }
                }
            }

            return [.. seconds.Select(entry => new PublishTiming(entry.Key.Item1, entry.Key.Item2, entry.Value))];
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<double> PublishAsync(string project, string configuration, string packages, CancellationToken cancellationToken)
    {
        var start = TimedProcess.Dotnet("publish", project, "-c", configuration, "-o", OutputFolder(project, configuration), "-nologo");
        start.Environment["NUGET_PACKAGES"] = packages;
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        return (await TimedProcess.RunAsync(start, 0, TimeSpan.FromMinutes(3), cancellationToken)).TotalSeconds;
    }

    // Beside the project folder, never inside it, where the next run's content globs would pick it up.
    private static string OutputFolder(string project, string configuration) =>
        Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(project))!, "out-" + configuration);

    /// <summary>
    /// Copies the sample's files and writes its project with pinned SDK versions. Without the SDK it lists the
    /// Python content the SDK would add, so both publish the same app.
    /// </summary>
    private static string CopySample(string root, string name, bool withSdk)
    {
        var sample = RepoPaths.Sample("FlaskHello");
        var folder = Directory.CreateDirectory(Path.Combine(root, name, "FlaskHello")).FullName;
        foreach (var file in new[] { "app.py", "requirements.txt", "web.config" })
        {
            File.Copy(Path.Combine(sample, file), Path.Combine(folder, file));
        }

        var sdkLine = withSdk ? $"""<Sdk Name="Ptvsd.Azure.Sdk" Version="{RepoPaths.ProductVersion}" />""" : "";
        var content = withSdk
            ? ""
            : """<ItemGroup><Content Include="**/*.py;requirements.txt;static/**;templates/**;web.config" Exclude=".venv/**;venv/**;**/__pycache__/**;bin/**;obj/**" CopyToPublishDirectory="PreserveNewest" /></ItemGroup>""";
        File.WriteAllText(Path.Combine(folder, "FlaskHello.csproj"), $"""
            <Project Sdk="Microsoft.Build.NoTargets/3.7.0">
              {sdkLine}
              <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
              {content}
            </Project>
            """);
        File.WriteAllText(Path.Combine(folder, "nuget.config"), $"""
            <configuration>
              <packageSources><add key="ptvsd-local" value="{Path.Combine(RepoPaths.Root, "artifacts", "packages")}" /></packageSources>
            </configuration>
            """);
        return Path.Combine(folder, "FlaskHello.csproj");
    }
}
