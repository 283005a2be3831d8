using System.Net;
using Ptvsd.Testing;
using Ptvsd.WebSocketProxy.Tests;

namespace Ptvsd.Attach.Tests;

/// <summary>
/// <c>ptvsd attach</c> as a user runs it: its own process (<c>dotnet Ptvsd.Attach.dll attach URI --port 0 ...</c>),
/// ready once it has printed the endpoint it listens on.
/// </summary>
internal sealed class AttachProcess : IAsyncDisposable
{
    public static readonly string ToolPath = PtvsdTool.AssemblyPath;

    private AttachProcess(ManagedProcess process, IPEndPoint endPoint, string secret)
    {
        Process = process;
        EndPoint = endPoint;
        Secret = secret;
    }

    public ManagedProcess Process { get; }

    /// <summary>Where debuggers connect, as the tool's first line announced it.</summary>
    public IPEndPoint EndPoint { get; }

    public string Secret { get; }

    public IReadOnlyList<string> Output => Process.Output;

    /// <summary>The attach URI for a proxy running in this process.</summary>
    public static string UriFor(RunningProxy proxy) => $"ws://{proxy.Secret}@{proxy.BaseUri.Authority}/ptvsd";

    public static Task<AttachProcess> StartAsync(RunningProxy proxy, ITestOutputHelper? output, CancellationToken ct, params string[] options) =>
        StartAsync(UriFor(proxy), proxy.Secret!, output, ct, options);

    public static async Task<AttachProcess> StartAsync(string attachUri, string secret, ITestOutputHelper? output, CancellationToken ct, params string[] options)
    {
        var start = PtvsdTool.CreateStartInfo("ptvsd-attach", ["attach", attachUri, "--port", "0", .. options]);
        start.Output = output is null ? null : output.WriteLine;
        var process = ManagedProcess.Start(start);
        try
        {
            return new AttachProcess(process, await PtvsdTool.WaitUntilAttachListeningAsync(process, ct), secret);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits for a line of the session report.</summary>
    public Task<string> WaitForLineAsync(string fragment, CancellationToken ct) =>
        Process.WaitForOutputAsync(line => line.Contains(fragment, StringComparison.Ordinal), TimeSpan.FromSeconds(30), ct);

    /// <summary>The secret must never be printed, on stdout or stderr.</summary>
    public void AssertSecretNeverShown() => Assert.DoesNotContain(Secret, string.Join('\n', Process.Output));

    public async ValueTask DisposeAsync()
    {
        try
        {
            AssertSecretNeverShown();
        }
        finally
        {
            await Process.DisposeAsync();
        }
    }
}
