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
    public void The_project_s_session_cap_is_the_proxy_s_default_in_the_environment_which_an_app_setting_overrides()
    {
        var file = _project.File("startup.sh");
        Assert.True(FakeBuildEngine.Run(new WriteStartupScript { File = file, AppCommand = "python app.py", AppCommandOrigin = "web.config", MaxDebugSessions = "300" }).Succeeded);
        var script = File.ReadAllText(file);

        var line = Assert.Single(script.Split('\n'), l => l.StartsWith("export PTVSD_MAX_SESSIONS=", StringComparison.Ordinal));
        Assert.Equal((0, "300\n"), Command.Run(_project.Path, "/bin/sh", "-c", $"unset PTVSD_MAX_SESSIONS; {line}; echo $PTVSD_MAX_SESSIONS"));
        Assert.Equal((0, "7\n"), Command.Run(_project.Path, "/bin/sh", "-c", $"PTVSD_MAX_SESSIONS=7; {line}; echo $PTVSD_MAX_SESSIONS"));
        Assert.DoesNotContain("PTVSD_MAX_SESSIONS", Write("python app.py", "").Script);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1}\"; rm -rf /; echo \"")]
    [InlineData("$(reboot)")]
    public void A_session_cap_that_is_no_count_never_reaches_the_script(string value)
    {
        var file = _project.File("startup.sh");
        var run = FakeBuildEngine.Run(new WriteStartupScript { File = file, AppCommand = "python app.py", AppCommandOrigin = "web.config", MaxDebugSessions = value });

        Assert.False(run.Succeeded);
        Assert.Equal("PTVSD1109", Assert.Single(run.Log.Errors).Code);
        Assert.False(File.Exists(file));
    }

    [Fact]
    public void The_shell_accepts_the_script()
    {
        var (run, _) = Write(@"D:\home\python311x64\python.exe app.py", "");

        Command.Succeeds(_project.Path, "/bin/sh", "-n", run.Task.File);
    }

    [Fact]
    public void The_project_s_explicit_linux_command_wins_over_every_other_source_and_the_log_says_so()
    {
        _project.Write("app.py", "app = object()\n");
        var (run, script) = Write("python app.py", "waitress-serve --port=$PORT app:app");

        Assert.Contains("-- waitress-serve --port={port} app:app\n", script);
        Assert.Contains("Ptvsd Linux app command: waitress-serve --port={port} app:app (set by PtvsdLinuxAppCommand)", run.Log.Messages);
    }

    [Fact]
    public void A_command_the_project_named_for_iis_is_the_linux_command_too_even_when_the_files_suggest_another()
    {
        _project.Write("app.py", "app = object()\n");
        var (run, script) = Write(@"D:\home\python311x64\python.exe app.py --port %HTTP_PLATFORM_PORT%", "", origin: "web.config");

        Assert.Contains("-- python app.py --port {port}\n", script);
        Assert.Contains("Ptvsd Linux app command: python app.py --port {port} (the app command in web.config)", run.Log.Messages);
    }

    [Fact]
    public void With_nothing_named_the_app_is_started_as_app_service_would_start_it()
    {
        Directory.CreateDirectory(_project.File("mysite"));
        _project.Write(Path.Combine("mysite", "wsgi.py"), "application = None\n");
        var (run, script) = Write("python app.py", "", origin: "");

        Assert.Contains("-- gunicorn --bind=127.0.0.1:{port} --timeout 600 mysite.wsgi\n", script);
        Assert.Contains(run.Log.Messages, m => m.StartsWith("Ptvsd Linux app command: gunicorn --bind=127.0.0.1:{port} --timeout 600 mysite.wsgi (mysite/wsgi.py makes it a Django project", StringComparison.Ordinal));
    }

    [Fact]
    public void With_nothing_named_and_nothing_recognised_the_publish_fails_with_the_fix_and_writes_no_script()
    {
        _project.Write("main.py", "import flask\n");
        var file = _project.File(Path.Combine("obj", "ptvsd", "startup.sh"));
        var run = FakeBuildEngine.Run(new WriteStartupScript { File = file, AppCommand = "python app.py", ProjectDirectory = _project.Path });

        Assert.False(run.Succeeded);
        var error = Assert.Single(run.Log.Errors);
        Assert.Equal("PTVSD1107", error.Code);
        Assert.Contains("PtvsdLinuxAppCommand", error.Message);
        Assert.Contains("wsgi.py", error.Message);
        Assert.Contains("gunicorn --bind=0.0.0.0:$PORT myapp:app", error.Message);
        Assert.False(File.Exists(file));
    }

    private (TaskRun<WriteStartupScript> Run, string Script) Write(string appCommand, string linuxAppCommand, string origin = "PtvsdAppCommand")
    {
        var file = _project.File(Path.Combine("obj", "ptvsd", "startup.sh"));
        var run = FakeBuildEngine.Run(new WriteStartupScript
        {
            File = file,
            AppCommand = appCommand,
            AppCommandOrigin = origin,
            LinuxAppCommand = linuxAppCommand,
            ProjectDirectory = _project.Path,
        });
        Assert.True(run.Succeeded, string.Join("\n", run.Log.Errors.Select(e => e.Message)));
        return (run, File.ReadAllText(file));
    }
}
