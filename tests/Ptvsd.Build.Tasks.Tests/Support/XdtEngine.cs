using System.Reflection;
using System.Xml;

namespace Ptvsd.Build.Tasks.Tests.Support;

/// <summary>
/// The .NET SDK's own XDT engine, Microsoft.Web.XmlTransform.dll beside the SDK's TransformXml task, driven the
/// way that task drives it. It is loaded by reflection because no package in the feed carries it.
/// </summary>
internal static class XdtEngine
{
    private const string Namespace = "Microsoft.Web.XmlTransform";

    private static readonly Lazy<Assembly> Engine = new(() => Assembly.LoadFrom(FindAssembly()));

    /// <summary>Transforms <paramref name="sourceFile"/> with <paramref name="transform"/> into <paramref name="destinationFile"/>.</summary>
    public static void Apply(string sourceFile, string transform, string destinationFile)
    {
        var document = (XmlDocument)Activator.CreateInstance(EngineType("XmlTransformableDocument"))!;
        using var documentFile = document as IDisposable;
        document.PreserveWhitespace = true;
        document.Load(sourceFile);

        var transformationType = EngineType("XmlTransformation");
        var constructor = transformationType.GetConstructor([typeof(string), typeof(bool), EngineType("IXmlTransformationLogger")])
            ?? throw new MissingMethodException(transformationType.FullName, ".ctor(string, bool, IXmlTransformationLogger)");
        using var transformation = (IDisposable)constructor.Invoke([transform, false, null]);
        var apply = transformationType.GetMethod("Apply", [typeof(XmlDocument)])
            ?? throw new MissingMethodException(transformationType.FullName, "Apply(XmlDocument)");
        if (!(bool)apply.Invoke(transformation, [document])!)
        {
            throw new InvalidOperationException($"XDT did not apply the transform to {sourceFile}.");
        }

        document.Save(destinationFile);
    }

    private static Type EngineType(string name) => Engine.Value.GetType($"{Namespace}.{name}", throwOnError: true)!;

    // The runtime runs from <dotnet root>/shared/Microsoft.NETCore.App/<version>/; the SDKs sit in <dotnet root>/sdk/<version>/.
    // The newest SDK that has the engine is the one global.json's roll-forward picks to build this repository.
    private static string FindAssembly()
    {
        var dotnetRoot = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", ".."));
        var relativePath = Path.Combine("Sdks", "Microsoft.NET.Sdk.Publish", "tools", $"net{Environment.Version.Major}.0", Namespace + ".dll");
        return new DirectoryInfo(Path.Combine(dotnetRoot, "sdk")).EnumerateDirectories()
            .Select(sdk => (Version: SdkVersion(sdk.Name), Engine: Path.Combine(sdk.FullName, relativePath)))
            .Where(candidate => candidate.Version is not null && File.Exists(candidate.Engine))
            .OrderByDescending(candidate => candidate.Version)
            .Select(candidate => candidate.Engine)
            .FirstOrDefault()
            ?? throw new FileNotFoundException($"No .NET SDK under {dotnetRoot} has {relativePath}.");
    }

    // "10.0.401" or "10.0.100-preview.7.25380.108": the numeric part orders them well enough.
    private static Version? SdkVersion(string folderName) =>
        Version.TryParse(folderName.Split('-')[0], out var version) ? version : null;
}
