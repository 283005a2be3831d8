using System.Globalization;
using Ptvsd.Testing;

namespace Ptvsd.Benchmarks;

/// <summary>
/// A tiny Flask app served by gunicorn as Debian ships it, the way App Service Linux runs a Python site: one
/// gthread worker with <see cref="Threads"/> threads, on a free loopback port. No access log (gunicorn's default).
/// </summary>
internal sealed class GunicornApp : IAsyncDisposable
{
    public const int Threads = 4;

    private const string Module = "forwarding_app";

    private const string Source = """
        from flask import Flask

        app = Flask(__name__)


        @app.get("/")
        def hello():
            return "Hello from the forwarding benchmark\n"
        """;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly ManagedProcess _process;

    private GunicornApp(ManagedProcess process, Uri url)
    {
        _process = process;
        Url = url;
    }

    /// <summary>Where the app listens.</summary>
    public Uri Url { get; }

    /// <summary>gunicorn's master; its worker is a child.</summary>
    public int ProcessId => _process.Id;

    /// <summary><c>gunicorn.__version__</c> as <paramref name="python"/> imports it; null when it cannot import gunicorn.</summary>
    public static async Task<string?> VersionAsync(PythonEnvironment python, CancellationToken cancellationToken)
    {
        await using var probe = ManagedProcess.Start(python.CreateStartInfo("-c", "import gunicorn; print(gunicorn.__version__)"));
        var exitCode = await probe.WaitForExitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        return exitCode == 0 ? probe.Output.FirstOrDefault() : null;
    }

    /// <summary>Writes the app into <paramref name="folder"/> and starts gunicorn on it.</summary>
    public static async Task<GunicornApp> StartAsync(PythonEnvironment python, string folder, CancellationToken cancellationToken)
    {
        await File.WriteAllTextAsync(Path.Combine(folder, Module + ".py"), Source, cancellationToken);
        var endPoint = FreePort.GetEndPoint();
        var start = python.CreateStartInfo(
            "-m", "gunicorn",
            "--workers", "1",
            "--threads", Threads.ToString(CultureInfo.InvariantCulture),
            "--worker-class", "gthread",
            "--bind", endPoint.ToString(),
            "--chdir", folder,
            Module + ":app");
        start.Name = "gunicorn";

        var process = await ManagedProcess.StartListeningAsync(start, endPoint, StartTimeout, cancellationToken);

        return new GunicornApp(process, new Uri($"http://{endPoint}/"));
    }

    /// <summary>Kills gunicorn's master and worker.</summary>
    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
