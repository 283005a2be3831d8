namespace Ptvsd.Azure.Sdk.Tests;

/// <summary>
/// A NuGet feed holding only the Ptvsd.Azure.Sdk package this build packed, and a packages folder of its own:
/// NuGet caches packages by version, so a shared cache would hand the tests an older package of the same version.
/// </summary>
public sealed class SdkFeed : IDisposable
{
    public const string PackageId = "Ptvsd.Azure.Sdk";

    private readonly string _root = Directory.CreateTempSubdirectory("ptvsd-sdk-feed-").FullName;

    public SdkFeed()
    {
        Version = RepoPaths.ProductVersion;
        var package = Path.Combine(RepoPaths.Root, "artifacts", "packages", $"{PackageId}.{Version}.nupkg");
        if (!File.Exists(package))
        {
            throw new FileNotFoundException($"{package} does not exist; build Ptvsd.Build.sln first (it packs the SDK).", package);
        }

        Folder = Directory.CreateDirectory(Path.Combine(_root, "feed")).FullName;
        PackagesFolder = Directory.CreateDirectory(Path.Combine(_root, "packages")).FullName;
        File.Copy(package, Path.Combine(Folder, Path.GetFileName(package)));
    }

    /// <summary>The package version, from version.json.</summary>
    public string Version { get; }

    /// <summary>The folder feed.</summary>
    public string Folder { get; }

    /// <summary>The <c>NUGET_PACKAGES</c> folder every publish in these tests uses.</summary>
    public string PackagesFolder { get; }

    /// <summary>A nuget.config that adds this feed to the machine's usual sources (for NoTargets and the like).</summary>
    public string NuGetConfig => $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <add key="ptvsd-under-test" value="{Folder}" />
          </packageSources>
        </configuration>
        """;

    public void Dispose() => Directory.Delete(_root, recursive: true);
}

/// <summary>Tests that publish share one feed and one packages folder, and run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class SdkCollection : ICollectionFixture<SdkFeed>
{
    public const string Name = "Ptvsd.Azure.Sdk package";
}
