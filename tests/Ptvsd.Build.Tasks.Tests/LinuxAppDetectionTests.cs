using Ptvsd.Build.Tasks.Tests.Support;

namespace Ptvsd.Build.Tasks.Tests;

/// <summary>The start command a project gets with nothing configured: what App Service Linux's own start-up would run.</summary>
public sealed class LinuxAppDetectionTests : IDisposable
{
    private const string Gunicorn = "gunicorn --bind=127.0.0.1:{port} --timeout 600 ";

    private readonly ProjectFolder _project = new();

    public void Dispose() => _project.Dispose();

    [Fact]
    public void A_django_project_runs_its_wsgi_module_under_gunicorn_even_beside_an_app_py()
    {
        WriteFile("manage.py", "import os\n");
        WriteFile("mysite/wsgi.py", "application = get_wsgi_application()\n");
        WriteFile("app.py", "app = Flask(__name__)\n");

        var app = Detect();

        Assert.Equal(Gunicorn + "mysite.wsgi", app?.Command);
        Assert.Equal("mysite/wsgi.py makes it a Django project", app?.Reason);
    }

    [Theory]
    [InlineData(".venv")]
    [InlineData("venv")]
    [InlineData("antenv")]
    [InlineData("obj")]
    [InlineData("bin")]
    [InlineData("my-site")]
    public void A_wsgi_py_in_a_folder_that_is_no_importable_app_package_is_not_a_django_project(string folder)
    {
        WriteFile($"{folder}/wsgi.py", "application = None\n");
        WriteFile("app.py", "app = Flask(__name__)\n");

        Assert.Equal(Gunicorn + "app:app", Detect()?.Command);
    }

    [Fact]
    public void Django_folders_are_taken_in_name_order()
    {
        WriteFile("zeta/wsgi.py", "application = None\n");
        WriteFile("alpha/wsgi.py", "application = None\n");

        Assert.Equal(Gunicorn + "alpha.wsgi", Detect()?.Command);
    }

    [Theory]
    [InlineData("application.py", "app = Flask(__name__)\n", "application:app")]
    [InlineData("app.py", "from flask import Flask\n\napp = Flask(__name__)\n", "app:app")]
    [InlineData("app.py", "app: Flask = Flask(__name__)\n", "app:app")]
    [InlineData("app.py", "app=create_app()\r\n", "app:app")]
    [InlineData("app.py", "def app(environ, start_response):\n    pass\n", "app:app")]
    [InlineData("run.py", "from mypackage import app\n", "run:app")]
    [InlineData("server.py", "from mypackage import create_app as make, app\n", "server:app")]
    [InlineData("index.py", "from mypackage import create_app as app\n", "index:app")]
    public void A_main_file_binding_a_module_level_app_runs_under_gunicorn(string file, string text, string module)
    {
        WriteFile(file, text);

        var app = Detect();

        Assert.Equal(Gunicorn + module, app?.Command);
        Assert.Equal($"{file} binds a module-level 'app'", app?.Reason);
    }

    [Fact]
    public void Main_files_are_taken_in_app_service_s_order_skipping_one_that_binds_no_app()
    {
        WriteFile("application.py", "import sys\nmy_app = 1\nif app == 2:\n    pass\n    app = 3\n");
        WriteFile("app.py", "app = Flask(__name__)\n");
        WriteFile("run.py", "app = Flask(__name__)\n");

        Assert.Equal(Gunicorn + "app:app", Detect()?.Command);
    }

    [Fact]
    public void Nothing_recognised_says_what_was_looked_for_and_which_files_bind_no_app()
    {
        WriteFile("app.py", "application = make()\n");
        WriteFile("main.py", "app = FastAPI()\n");

        Assert.Null(LinuxAppDetection.Detect(_project.Path, out var lookedFor));
        Assert.Contains("wsgi.py", lookedFor);
        Assert.Contains("(app.py found, but binding no module-level 'app')", lookedFor);
    }

    private DetectedApp? Detect() => LinuxAppDetection.Detect(_project.Path, out _);

    private void WriteFile(string relativePath, string text)
    {
        var path = _project.File(relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
