using System.Diagnostics;
using Ptvsd.Contract;
using Ptvsd.WebSocketProxy.Configuration;

namespace Ptvsd.WebSocketProxy.App;

/// <summary>
/// Builds the start info of the app: the command after <c>--</c>, run in the site root, told its internal port,
/// the debug server address, and given the bootstrap on PYTHONPATH.
/// </summary>
public static class AppLaunch
{
    public const string PortPlaceholder = ProxyContract.InternalPortPlaceholder;

    /// <summary>The proxy's process id, which the bootstrap watches.</summary>
    public const string ProxyPidVariable = "PTVSD_PROXY_PID";

    internal static ProcessStartInfo Create(ProxyOptions options, int port, BootstrapReport report, AppProcessTree tree)
    {
        var command = options.AppCommand;
        var portText = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var startInfo = new ProcessStartInfo(command[0].Replace(PortPlaceholder, portText, StringComparison.Ordinal))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            WorkingDirectory = options.ContentRoot,
        };

        foreach (var argument in command.Skip(1))
        {
            startInfo.ArgumentList.Add(argument.Replace(PortPlaceholder, portText, StringComparison.Ordinal));
        }

        var environment = startInfo.Environment;

        // The app has no use for the secret; keeping it out of its environment keeps it out of its crash dumps and logs.
        environment.Remove(ProxyOptionsLoader.SecretVariable);
        environment.Remove(ProxyOptionsLoader.SecretVerifierVariable);

        // Set by the bootstrap in the first Python process of a tree; a fresh app start must own debugging anew.
        environment.Remove("PTVSD_BOOTSTRAP_PID");

        // Inherited by every process the app starts, so the proxy finds them all, wherever they were re-parented; and
        // the bootstrap ends them all if the proxy dies without the chance to (SIGKILL).
        environment[AppProcessTree.Variable] = tree.Id;
        environment[ProxyPidVariable] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);

        environment["PORT"] = portText;
        environment["HTTP_PLATFORM_PORT"] = portText;
        environment[ProxyOptionsLoader.DebugServerVariable] = options.DebugServer.ToString();
        environment[BootstrapReport.Variable] = report.Path;
        environment["PYTHONUNBUFFERED"] = "1";
        environment["PYTHONPATH"] = environment.TryGetValue("PYTHONPATH", out var pythonPath) && !string.IsNullOrEmpty(pythonPath)
            ? options.BootstrapPath + Path.PathSeparator + pythonPath
            : options.BootstrapPath;

        if (IsGunicorn(command))
        {
            environment["GUNICORN_CMD_ARGS"] = LiftGunicornTimeout(environment.TryGetValue("GUNICORN_CMD_ARGS", out var args) ? args : null, command);
        }

        return startInfo;
    }

    private static bool IsGunicorn(IReadOnlyList<string> command) =>
        command.Any(part => Path.GetFileName(part).StartsWith("gunicorn", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// A paused breakpoint holds a request; gunicorn's worker timeout (30 s) would kill the worker under the
    /// debugger. <c>--timeout 0</c> lifts it, unless the user chose a timeout of their own.
    /// </summary>
    internal static string LiftGunicornTimeout(string? gunicornArgs, IReadOnlyList<string> command)
    {
        static bool NamesTimeout(string part) =>
            part is "-t" || part.StartsWith("--timeout", StringComparison.Ordinal) || (part.StartsWith("-t", StringComparison.Ordinal) && part.Length > 2 && char.IsDigit(part[2]));

        var userArgs = (gunicornArgs ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (userArgs.Any(NamesTimeout) || command.Any(NamesTimeout))
        {
            return gunicornArgs ?? "";
        }

        return string.IsNullOrWhiteSpace(gunicornArgs) ? "--timeout 0" : $"{gunicornArgs} --timeout 0";
    }
}
