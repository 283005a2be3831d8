using System;
using System.Text.RegularExpressions;
using Ptvsd.Contract;

namespace Ptvsd.Build.Tasks;

/// <summary>
/// How a Debug publish starts the proxy, and how the app's own command is carried behind it.
/// </summary>
internal static class ProxyLaunch
{
    /// <summary>The publish folder's subfolder that holds the proxy; the proxy takes its parent as the site root.</summary>
    public const string Folder = "ptvsd";

    /// <summary>What IIS's HttpPlatformHandler starts: the framework-dependent proxy assembly.</summary>
    public const string IisProcessPath = "dotnet";

    /// <summary>The proxy assembly relative to the site root, with IIS's path separators.</summary>
    public const string IisAssemblyPath = Folder + @"\Ptvsd.WebSocketProxy.dll";

    /// <summary>The self-contained proxy executable for Linux hosts, relative to the site root.</summary>
    public const string LinuxExecutable = Folder + "/Ptvsd.WebSocketProxy";

    /// <summary>The placeholder the proxy replaces with the internal port it chose for the app.</summary>
    public const string InternalPortPlaceholder = ProxyContract.InternalPortPlaceholder;

    private const string ProxyAssemblyName = "Ptvsd.WebSocketProxy.dll";
    private const string CommandSeparator = " -- ";

    // How an app command names the platform's port: IIS's %HTTP_PLATFORM_PORT% (any case) and App Service Linux's
    // $PORT or ${PORT}. IIS expands the one in `arguments`, and sh the others in startup.sh, before the proxy starts, so
    // left alone they would hand the app the proxy's own port. The proxy's placeholder makes it the internal port.
    private static readonly Regex PlatformPort = new(@"(?i:%HTTP_PLATFORM_PORT%)|\$\{PORT\}|\$PORT(?![A-Za-z0-9_])", RegexOptions.CultureInvariant);

    /// <summary>HttpPlatformHandler's <c>arguments</c> that start the proxy in front of <paramref name="appCommand"/>.</summary>
    public static string IisArguments(string appCommand) => IisAssemblyPath + CommandSeparator + appCommand;

    /// <summary>
    /// The app's command line from HttpPlatformHandler's <c>processPath</c> and <c>arguments</c>, with the
    /// platform's port turned into the proxy's internal-port placeholder. A web.config that already starts
    /// the proxy yields the app command behind it, so transforming twice changes nothing.
    /// </summary>
    public static string AppCommandFromHttpPlatform(string processPath, string arguments)
    {
        var command = FindAppCommandBehindProxy(arguments) ?? JoinCommandLine(processPath, arguments);
        return WithInternalPort(command);
    }

    /// <summary><paramref name="command"/> with every way of naming the platform's port turned into <see cref="InternalPortPlaceholder"/>.</summary>
    public static string WithInternalPort(string command) => PlatformPort.Replace(command, InternalPortPlaceholder);

    /// <summary>The command after the proxy's <c>--</c> when <paramref name="arguments"/> start the proxy; otherwise null.</summary>
    public static string? FindAppCommandBehindProxy(string arguments)
    {
        var proxyAt = arguments.IndexOf(ProxyAssemblyName, StringComparison.OrdinalIgnoreCase);
        if (proxyAt < 0)
        {
            return null;
        }

        var separatorAt = arguments.IndexOf(CommandSeparator, proxyAt, StringComparison.Ordinal);
        return separatorAt < 0 ? "" : arguments.Substring(separatorAt + CommandSeparator.Length).Trim();
    }

    /// <summary>
    /// The command for a Linux host. A Windows interpreter path (App Service Windows' D:\home\python…\python.exe)
    /// means nothing there, so it becomes <c>python</c>; the arguments stay.
    /// </summary>
    public static string LinuxAppCommand(string appCommand)
    {
        var (program, rest) = SplitProgram(appCommand);
        var isWindowsPath = program.IndexOf('\\') >= 0 || program.IndexOf(':') >= 0
            || program.EndsWith(".exe", StringComparison.OrdinalIgnoreCase);
        return isWindowsPath ? JoinCommandLine("python", rest) : appCommand;
    }

    private static string JoinCommandLine(string processPath, string arguments)
    {
        var program = processPath.Trim();
        if (program.IndexOf(' ') >= 0 && !program.StartsWith("\"", StringComparison.Ordinal))
        {
            program = "\"" + program + "\"";
        }

        arguments = arguments.Trim();
        return arguments.Length == 0 ? program : program + " " + arguments;
    }

    private static (string Program, string Arguments) SplitProgram(string commandLine)
    {
        commandLine = commandLine.Trim();
        int end;
        if (commandLine.StartsWith("\"", StringComparison.Ordinal))
        {
            end = commandLine.IndexOf('"', 1);
            end = end < 0 ? commandLine.Length : end + 1;
        }
        else
        {
            end = commandLine.IndexOf(' ');
            end = end < 0 ? commandLine.Length : end;
        }

        return (commandLine.Substring(0, end).Trim('"'), commandLine.Substring(end).Trim());
    }
}
