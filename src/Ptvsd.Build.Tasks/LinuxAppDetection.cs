using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace Ptvsd.Build.Tasks;

/// <summary>A start command found from the project's files, and what it was found from (for the build log).</summary>
internal sealed class DetectedApp
{
    public DetectedApp(string command, string reason)
    {
        Command = command;
        Reason = reason;
    }

    public string Command { get; }

    public string Reason { get; }
}

/// <summary>
/// Finds the app's start command the way App Service Linux's own start-up (Oryx) does when a site sets none, so a
/// project that publishes with no start command configured starts behind the proxy exactly as it would without it:
/// 1. a Django project: the first subfolder (by name) holding <c>wsgi.py</c> → gunicorn on <c>folder.wsgi</c>;
/// 2. else a Flask-style app: the first of application.py, app.py, run.py, index.py, server.py that binds a
///    module-level <c>app</c> → gunicorn on <c>module:app</c>.
/// Both with gunicorn's <c>--timeout 600</c> as App Service gives it, bound to the internal port on loopback, where
/// only the proxy reaches it.
/// </summary>
internal static class LinuxAppDetection
{
    /// <summary>What App Service passes gunicorn besides the bind address: a breakpoint must not get the worker killed.</summary>
    public const string GunicornTimeout = "--timeout 600";

    // Oryx's order of main files.
    private static readonly string[] MainFiles = ["application.py", "app.py", "run.py", "index.py", "server.py"];

    // Folders that are never the app: virtual environments, caches, and the build's own output.
    private static readonly HashSet<string> NotAppFolders = new(StringComparer.OrdinalIgnoreCase)
    {
        "venv", "env", "antenv", "__pycache__", "node_modules", "bin", "obj", "publish", "site-packages",
    };

    // A module-level binding of `app` (at the start of a line): an assignment, typed or not, a def, or an import naming it.
    private static readonly Regex BindsApp = new(
        @"^(?:app\s*(?::[^=\n]*)?=(?!=)|(?:async\s+)?def\s+app\s*\(|(?:from\s+\S+\s+)?import\s+[^\n#]*\bapp\b)",
        RegexOptions.Multiline | RegexOptions.CultureInvariant);

    private static readonly Regex PythonIdentifier = new(@"^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant);

    /// <summary>The start command for the app in <paramref name="projectDirectory"/>; null when none is recognised.</summary>
    public static DetectedApp? Detect(string projectDirectory, out string lookedFor)
    {
        lookedFor = "a Django project (a subfolder with wsgi.py) or one of " + string.Join(", ", MainFiles) + " binding a module-level 'app'";
        if (!Directory.Exists(projectDirectory))
        {
            return null;
        }

        var django = Directory.EnumerateDirectories(projectDirectory)
            .Select(Path.GetFileName)
            .Where(name => !name.StartsWith(".", StringComparison.Ordinal) && !NotAppFolders.Contains(name) && PythonIdentifier.IsMatch(name))
            .OrderBy(name => name, StringComparer.Ordinal)
            .FirstOrDefault(name => File.Exists(Path.Combine(projectDirectory, name, "wsgi.py")));
        if (django is not null)
        {
            return new DetectedApp(Gunicorn(django + ".wsgi"), $"{django}/wsgi.py makes it a Django project");
        }

        var withoutApp = new List<string>();
        foreach (var file in MainFiles)
        {
            var path = Path.Combine(projectDirectory, file);
            if (!File.Exists(path))
            {
                continue;
            }

            if (BindsApp.IsMatch(File.ReadAllText(path)))
            {
                return new DetectedApp(Gunicorn(Path.GetFileNameWithoutExtension(file) + ":app"), $"{file} binds a module-level 'app'");
            }

            withoutApp.Add(file);
        }

        if (withoutApp.Count > 0)
        {
            lookedFor += $" ({string.Join(", ", withoutApp)} found, but binding no module-level 'app')";
        }

        return null;
    }

    private static string Gunicorn(string module) =>
        $"gunicorn --bind=127.0.0.1:{ProxyLaunch.InternalPortPlaceholder} {GunicornTimeout} {module}";
}
