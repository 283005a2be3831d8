using System.Text.Json;
using Ptvsd.Contract;

namespace Ptvsd.Attach.Target;

/// <summary>
/// The attach URI that the last Debug publish of a project recorded in its attach-info file (<see cref="AttachInfoFile"/>,
/// the contract's location and schema). Reading it saves copying a secret that changes on every publish.
/// </summary>
internal static class ProjectAttachFile
{
    /// <summary>Reads the attach URI for <paramref name="projectPath"/>, a project directory or project file.</summary>
    public static AttachUri Read(string projectPath)
    {
        var file = AttachInfoFile.For(ProjectDirectory(projectPath));
        if (!File.Exists(file))
        {
            throw new UsageException($"no Debug publish found for {projectPath}: {file} does not exist; run `dotnet publish -c Debug` first");
        }

        string? attachUri;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file));
            attachUri = document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty(AttachInfoFile.AttachUriProperty, out var property)
                && property.ValueKind == JsonValueKind.String
                    ? property.GetString()
                    : null;
        }
        catch (JsonException ex)
        {
            // The position, not JsonException's message: that quotes the text around the error, which may be the secret.
            throw new UsageException($"{file} is not valid JSON (line {ex.LineNumber + 1}); run `dotnet publish -c Debug` again to rewrite it");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read {file}: {ex.Message}");
        }

        if (attachUri is null)
        {
            throw new UsageException($"{file} has no \"{AttachInfoFile.AttachUriProperty}\" string; run `dotnet publish -c Debug` again to rewrite it");
        }

        return AttachUriParser.TryParse(attachUri, out var uri, out var problem)
            ? uri
            : throw new UsageException($"the attach URI in {file} {problem}; run `dotnet publish -c Debug` again to rewrite it");
    }

    private static string ProjectDirectory(string projectPath)
    {
        if (Directory.Exists(projectPath))
        {
            return projectPath;
        }

        if (File.Exists(projectPath))
        {
            return Path.GetDirectoryName(Path.GetFullPath(projectPath))!;
        }

        throw new UsageException($"--project {TypedText.Quote(projectPath, longest: 200)}: no such project file or directory");
    }
}
