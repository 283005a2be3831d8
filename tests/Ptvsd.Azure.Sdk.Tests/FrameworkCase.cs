using System.Security;
using System.Text.RegularExpressions;

namespace Ptvsd.Azure.Sdk.Tests;

/// <summary>What a framework case needs from Debian: a module the app's Python imports, or a command on the host's PATH.</summary>
/// <param name="DebianPackage">The package that provides it, named in the failure when it is missing.</param>
/// <param name="Module">A module <c>python</c> must import.</param>
/// <param name="Command">A program the app command runs, linked onto the host's PATH.</param>
internal sealed record Prerequisite(string DebianPackage, string? Module = null, string? Command = null);

/// <summary>
/// One row of the framework matrix: a Python web app as its users write it (app code and requirements.txt, no
/// web.config), started as App Service Linux users start it.
/// </summary>
internal sealed record FrameworkCase
{
    private const string DjangoProject = "mysite";

    private static readonly Prerequisite Flask = new("python3-flask", Module: "flask");
    private static readonly Prerequisite Gunicorn = new("gunicorn", Command: "gunicorn");
    private static readonly Prerequisite Django = new("python3-django", Module: "django");

    private static readonly FrameworkCase[] All =
    [
        new()
        {
            Name = "flask-dev-server",
            AppFolder = "flask",
            Requirements = ["flask", "debugpy"],
            StartupCommand = "python -m flask --app app run --port $PORT --no-reload",
            ExpectedAppCommand = new(@"^python -m flask --app app run --port \{port\} --no-reload$"),
            BreakpointFile = "app.py",
            Prerequisites = [Flask],
        },
        // No startup command: the SDK finds app.py's `app` as App Service's own start-up does and runs gunicorn on it.
        new()
        {
            Name = "flask-gunicorn-1-worker",
            AppFolder = "flask",
            Requirements = ["flask", "gunicorn", "debugpy"],
            ExpectedAppCommand = new(@"^gunicorn .*\{port\}.* app:app$"),
            BreakpointFile = "app.py",
            Workers = 1,
            Prerequisites = [Flask, Gunicorn],
        },
        // More workers as an App Service user asks for them without a startup command: an app setting gunicorn reads.
        new()
        {
            Name = "flask-gunicorn-3-workers",
            AppFolder = "flask",
            Requirements = ["flask", "gunicorn", "debugpy"],
            AppSettings = new Dictionary<string, string> { ["GUNICORN_CMD_ARGS"] = "--workers=3" },
            ExpectedAppCommand = new(@"^gunicorn .*\{port\}.* app:app$"),
            BreakpointFile = "app.py",
            Workers = 3,
            Prerequisites = [Flask, Gunicorn],
        },
        // Or with the startup command App Service users write, kept by the SDK with $PORT meaning the app's port.
        new()
        {
            Name = "flask-gunicorn-5-workers",
            AppFolder = "flask",
            Requirements = ["flask", "gunicorn", "debugpy"],
            StartupCommand = "gunicorn --bind=0.0.0.0:$PORT --workers 5 app:app",
            ExpectedAppCommand = new(@"^gunicorn --bind=0\.0\.0\.0:\{port\} --workers 5 app:app$"),
            BreakpointFile = "app.py",
            Workers = 5,
            Prerequisites = [Flask, Gunicorn],
        },
        new()
        {
            Name = "django-gunicorn",
            AppFolder = "django",
            StartDjangoProject = true,
            Requirements = ["django", "gunicorn", "debugpy"],
            ExpectedAppCommand = new(@"^gunicorn .*\{port\}.* mysite\.wsgi$"),
            BreakpointFile = "mysite/views.py",
            Workers = 1,
            Prerequisites = [Django, Gunicorn],
        },
        new()
        {
            Name = "django-runserver",
            AppFolder = "django",
            StartDjangoProject = true,
            Requirements = ["django", "debugpy"],
            StartupCommand = "python manage.py runserver $PORT --noreload",
            ExpectedAppCommand = new(@"^python manage\.py runserver \{port\} --noreload$"),
            BreakpointFile = "mysite/views.py",
            Prerequisites = [Django],
        },
        new()
        {
            Name = "fastapi-uvicorn",
            AppFolder = "fastapi",
            Requirements = ["fastapi", "uvicorn", "debugpy"],
            StartupCommand = "uvicorn main:app --port $PORT",
            ExpectedAppCommand = new(@"^uvicorn main:app --port \{port\}$"),
            BreakpointFile = "main.py",
            Prerequisites = [new("python3-fastapi", Module: "fastapi"), new("python3-uvicorn", Module: "uvicorn"), new("uvicorn", Command: "uvicorn")],
        },
        new()
        {
            Name = "flask-waitress",
            AppFolder = "flask",
            Requirements = ["flask", "waitress", "debugpy"],
            StartupCommand = "waitress-serve --port=$PORT app:app",
            ExpectedAppCommand = new(@"^waitress-serve --port=\{port\} app:app$"),
            BreakpointFile = "app.py",
            Prerequisites = [Flask, new("python3-waitress", Module: "waitress", Command: "waitress-serve")],
        },
    ];

    /// <summary>The case's name, as the tests' data names it.</summary>
    public required string Name { get; init; }

    /// <summary>The folder under FrameworkApps/ whose files are the app's code.</summary>
    public required string AppFolder { get; init; }

    /// <summary>Whether the app starts as a <c>django-admin startproject mysite</c> project that the app folder adds to.</summary>
    public bool StartDjangoProject { get; init; }

    /// <summary>The lines of requirements.txt.</summary>
    public required string[] Requirements { get; init; }

    /// <summary>The startup command the user sets (<c>PtvsdLinuxAppCommand</c>); null when none is, and the SDK detects it.</summary>
    public string? StartupCommand { get; init; }

    /// <summary>What the app command in the published startup.sh must be.</summary>
    public required Regex ExpectedAppCommand { get; init; }

    /// <summary>App settings of the site, which App Service hands the app as environment variables.</summary>
    public IReadOnlyDictionary<string, string> AppSettings { get; init; } = new Dictionary<string, string>();

    /// <summary>The file with the view's <c># breakpoint-here</c> line, relative to the site root.</summary>
    public required string BreakpointFile { get; init; }

    /// <summary>gunicorn workers, each a debugpy subprocess that serves requests; 0 when the app process serves them itself.</summary>
    public int Workers { get; init; }

    public required Prerequisite[] Prerequisites { get; init; }

    /// <summary>The project file's addition that sets <see cref="StartupCommand"/>, as a user writes it.</summary>
    public string ProjectBody => StartupCommand is null
        ? ""
        : $"""
            <PropertyGroup>
              <PtvsdLinuxAppCommand>{SecurityElement.Escape(StartupCommand)}</PtvsdLinuxAppCommand>
            </PropertyGroup>
            """;

    public static FrameworkCase Named(string name) =>
        All.SingleOrDefault(framework => framework.Name == name) ?? throw new ArgumentException($"No framework case is named '{name}'.", nameof(name));

    /// <summary>
    /// Fails, naming the Debian package to install, when a prerequisite is missing; returns the programs the host's PATH
    /// must hold.
    /// </summary>
    public async Task<IReadOnlyList<string>> RequirePrerequisitesAsync(PythonEnvironment python, CancellationToken cancellationToken)
    {
        var programs = new List<string>();
        foreach (var prerequisite in Prerequisites)
        {
            if (prerequisite.Module is { } module)
            {
                await python.RequireModuleAsync(module, prerequisite.DebianPackage, cancellationToken);
            }

            if (prerequisite.Command is { } command)
            {
                programs.Add(ExecutableSearch.Find(command) ?? throw new InvalidOperationException(
                    $"{command} is not installed (not found on PATH): install it with `apt-get install {prerequisite.DebianPackage}` (./build.sh test does when run as root)."));
            }
        }

        return programs;
    }

    /// <summary>Writes the app into <paramref name="folder"/>: Django's generated project first, then the app folder's files and requirements.txt.</summary>
    public async Task WriteAppAsync(string folder, PythonEnvironment python, Action<string> output, CancellationToken cancellationToken)
    {
        if (StartDjangoProject)
        {
            var start = python.CreateStartInfo("-m", "django", "startproject", DjangoProject, folder);
            start.Output = output;
            await using var startProject = ManagedProcess.Start(start);
            Assert.True(
                await startProject.WaitForExitAsync(TimeSpan.FromSeconds(60), cancellationToken) == 0,
                $"django-admin startproject failed:\n{startProject.OutputTail()}");
        }

        var source = Path.Combine(AppContext.BaseDirectory, "FrameworkApps", AppFolder);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(folder, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }

        await File.WriteAllLinesAsync(Path.Combine(folder, "requirements.txt"), Requirements, cancellationToken);
    }

    public override string ToString() => Name;
}
