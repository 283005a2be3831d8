using Ptvsd.Build.Tasks.Tests.Support;

namespace Ptvsd.Build.Tasks.Tests;

/// <summary>ptvsd/startup.sh, the start-up command of Linux hosts.</summary>
public sealed class WriteStartupScriptTests : IDisposable
{
    private readonly ProjectFolder _project = new();

    public void Dispose() => _project.Dispose();

    [Theory]
    [InlineData(@"D:\home\python311x64\python.exe app.py", "", "python app.py")]
    [InlineData("python -m flask --app app run --port {port}", "", "python -m flask --app app run --port {port}")]
    [InlineData(@"D:\home\python311x64\python.exe app.py", " gunicorn --bind 127.0.0.1:{port} app:app ", "gunicorn --bind 127.0.0.1:{port} app:app")]
    [InlineData("python app.py", "gunicorn --bind=0.0.0.0:$PORT --timeout 600 app:app", "gunicorn --bind=0.0.0.0:{port} --timeout 600 app:app")]
    [InlineData("python app.py", "gunicorn --bind=0.0.0.0:${PORT} app:app", "gunicorn --bind=0.0.0.0:{port} app:app")]
    [InlineData("python -m flask run --port %http_platform_port%", "", "python -m flask run --port {port}")]
    [InlineData("python app.py", "python app.py --portal $PORTAL --home $HOME", "python app.py --portal $PORTAL --home $HOME")]
    public void It_runs_the_proxy_on_the_platform_port_in_front_of_the_linux_app_command(string appCommand, string linuxAppCommand, string expected)
    {
        var (run, script) = Write(appCommand, linuxAppCommand);

        Assert.StartsWith("#!/bin/sh\n", script);
        Assert.DoesNotContain('\r', script);
        Assert.Contains($"exec ptvsd/Ptvsd.WebSocketProxy --urls \"${{PTVSD_URLS:-http://0.0.0.0:${{PORT:-8000}}}}\" -- {expected}\n", script);
        Assert.Equal("sh ptvsd/startup.sh", run.Task.StartupCommand);
    }

    [Fact]
    public void The_shell_accepts_the_script()
    {
        var (run, _) = Write(@"D:\home\python311x64\python.exe app.py", "");

        Command.Succeeds(_project.Path, "/bin/sh", "-n", run.Task.File);
    }

    private (TaskRun<WriteStartupScript> Run, string Script) Write(string appCommand, string linuxAppCommand)
    {
        var file = _project.File(Path.Combine("obj", "ptvsd", "startup.sh"));
        var run = FakeBuildEngine.Run(new WriteStartupScript { File = file, AppCommand = appCommand, LinuxAppCommand = linuxAppCommand });
        Assert.True(run.Succeeded);
        return (run, File.ReadAllText(file));
    }
}
