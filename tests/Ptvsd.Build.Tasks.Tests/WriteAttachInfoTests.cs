using System.Text.Json;
using Ptvsd.Build.Tasks.Tests.Support;

namespace Ptvsd.Build.Tasks.Tests;

/// <summary>obj/ptvsd/attach.json, where <c>ptvsd attach --project</c> finds the last attach URI.</summary>
public sealed class WriteAttachInfoTests : IDisposable
{
    private readonly ProjectFolder _project = new();

    public void Dispose() => _project.Dispose();

    [Theory]
    [InlineData("wss://abcdefghijklmnopqrstuvwxyz234567@myapp.azurewebsites.net/ptvsd", "bin/Debug/publish")]
    [InlineData("ws://secret@localhost:8080/ptvsd", "pub \"quoted\" back\\slash\ttab")]
    [InlineData("ws://secret@localhost:8080/ptvsd", "")]
    public void It_writes_json_with_the_attach_uri_and_the_full_publish_folder(string attachUri, string publishDir)
    {
        var file = _project.File(Path.Combine("obj", "ptvsd", "attach.json"));

        var run = FakeBuildEngine.Run(new WriteAttachInfo { File = file, AttachUri = attachUri, PublishDir = publishDir });

        Assert.True(run.Succeeded);
        using var json = JsonDocument.Parse(File.ReadAllText(file));
        Assert.Equal(attachUri, json.RootElement.GetProperty("attachUri").GetString());
        Assert.Equal(publishDir == "" ? "" : Path.GetFullPath(publishDir), json.RootElement.GetProperty("publishDir").GetString());
    }
}
