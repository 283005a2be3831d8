using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Ptvsd.Contract;
using Ptvsd.WebSocketProxy.Authentication;

namespace Ptvsd.WebSocketProxy.Configuration;

/// <summary>
/// Resolves <see cref="ProxyOptions"/>: command-line options win over the environment, the environment over
/// the appSettings of the site's web.config. The secret is never taken from the command line, where any
/// user of the machine could read it from the process list.
/// </summary>
public static class ProxyOptionsLoader
{
    public const string SecretVariable = SiteSettings.Secret;
    public const string SecretVerifierVariable = SiteSettings.SecretVerifier;
    public const string DebugServerVariable = SiteSettings.DebugServerAddress;
    public const string MaxSessionsVariable = SiteSettings.MaxDebugSessions;

    public const string Usage = """
        Usage: dotnet ptvsd/Ptvsd.WebSocketProxy.dll [options] [-- app command ...]
               ptvsd/Ptvsd.WebSocketProxy [options] [-- app command ...]    (Linux, no .NET needed)

        Serves /ptvsd (info page and the authenticated debugger WebSocket) and forwards every other
        request to the Python app, which it starts with debugpy listening on loopback.

        Options:
          --urls URLS            Where to listen (default: HTTP_PLATFORM_PORT, else PORT, else http://127.0.0.1:8080)
          --content-root DIR     The site root holding web.config and ptvsd/ (default: the folder above ptvsd/)
          --debug-server H:P     Where debugpy listens (default: WSGI_PTVSD_ADDRESS, else localhost:5678)
          --app-url URL          Forward to an app that is already running instead of starting one
          --max-sessions N       Concurrent debug sessions allowed (default: PTVSD_MAX_SESSIONS, else 128)
          --keep-alive SECONDS   Ping interval for idle debug sessions (default 15)
          -h, --help             Show this help

        The secret comes from WSGI_PTVSD_SECRET (or its verifier WSGI_PTVSD_SECRET_VERIFIER, which a Debug
        publish writes) in the environment, else from web.config's appSettings.
        The app command may contain {port}: it is replaced by the loopback port the app must listen on,
        which is also passed to it as PORT and HTTP_PLATFORM_PORT.
        """;

    public static ProxyOptions Load(IReadOnlyList<string> args, IDictionary environment)
    {
        var options = new ProxyOptions();
        string? urls = null, contentRoot = null, debugServer = null, maxSessions = null;

        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                options.AppCommand = args.Skip(i + 1).ToArray();
                if (options.AppCommand.Count == 0)
                {
                    throw new ProxyConfigurationException("'--' must be followed by the app command, e.g. -- python app.py");
                }

                break;
            }

            switch (arg)
            {
                case "--urls":
                    urls = ValueOf(args, ref i);
                    break;
                case "--content-root":
                    contentRoot = ValueOf(args, ref i);
                    break;
                case "--debug-server":
                    debugServer = ValueOf(args, ref i);
                    break;
                case "--app-url":
                    options.AppUrl = ParseAppUrl(ValueOf(args, ref i));
                    break;
                case "--max-sessions":
                    maxSessions = ValueOf(args, ref i);
                    options.MaxSessions = ParseSessionCap(arg, maxSessions);
                    break;
                case "--keep-alive":
                    options.KeepAliveInterval = TimeSpan.FromSeconds(ParsePositive(arg, ValueOf(args, ref i)));
                    options.KeepAliveTimeout = ProxyContract.KeepAliveMissedPings * options.KeepAliveInterval;
                    break;
                default:
                    throw new ProxyConfigurationException($"unknown option '{arg}'; run with --help to see the options, and put the app command after '--'");
            }
        }

        if (options.AppUrl is not null && options.AppCommand.Count > 0)
        {
            throw new ProxyConfigurationException("give either --app-url or an app command after '--', not both");
        }

        options.Urls = ResolveUrls(urls, environment);
        options.ContentRoot = Path.GetFullPath(contentRoot ?? DefaultContentRoot());
        options.InstanceName = Variable(environment, "WEBSITE_INSTANCE_ID");

        var webConfig = WebConfigAppSettings.Read(Path.Combine(options.ContentRoot, "web.config"));

        debugServer ??= Variable(environment, DebugServerVariable) ?? webConfig.GetValueOrDefault(DebugServerVariable) ?? DebugServerAddress.DefaultValue;
        if (!DebugServerAddress.TryParse(debugServer, out var address, out var addressError))
        {
            throw new ProxyConfigurationException($"{DebugServerVariable}: {addressError}");
        }

        options.DebugServer = address;

        // The project's PtvsdMaxDebugSessions arrives in web.config (and startup.sh's environment); an app setting overrides it.
        if (maxSessions is null && (Variable(environment, MaxSessionsVariable) ?? webConfig.GetValueOrDefault(MaxSessionsVariable)) is { Length: > 0 } cap)
        {
            options.MaxSessions = ParseSessionCap(MaxSessionsVariable, cap);
        }

        if (ResolveSecret(environment, webConfig, out var secret, out var problem))
        {
            options.Secret = secret;
        }
        else
        {
            options.RelayClosedReason = problem;
        }

        return options;
    }

    /// <summary>
    /// The environment (App Service app settings) wins over web.config; within each, a plain secret over a verifier,
    /// so a secret set by hand on the host works whatever the published file holds.
    /// </summary>
    private static bool ResolveSecret(IDictionary environment, IReadOnlyDictionary<string, string> webConfig, [NotNullWhen(true)] out DebugSecret? secret, [NotNullWhen(false)] out string? problem)
    {
        IEnumerable<Func<string, string?>> sources = [name => Variable(environment, name), name => webConfig.GetValueOrDefault(name) is { Length: > 0 } value ? value : null];
        foreach (var source in sources)
        {
            if (source(SecretVariable) is { } plain)
            {
                return DebugSecret.TryCreate(plain, out secret, out problem);
            }

            if (source(SecretVerifierVariable) is { } verifier)
            {
                return DebugSecret.TryFromVerifier(verifier, out secret, out problem);
            }
        }

        return DebugSecret.TryCreate(null, out secret, out problem);
    }

    public static bool IsHelpRequested(IReadOnlyList<string> args)
    {
        foreach (var arg in args)
        {
            if (arg == "--")
            {
                return false;
            }

            if (arg is "-h" or "--help" or "-?")
            {
                return true;
            }
        }

        return false;
    }

    private static string[] ResolveUrls(string? urls, IDictionary environment)
    {
        if (urls is not null)
        {
            var list = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return list.Length > 0 ? list : throw new ProxyConfigurationException("--urls is empty; give e.g. http://127.0.0.1:8080");
        }

        // HttpPlatformHandler (IIS) forwards to localhost on the port it chose.
        if (Variable(environment, "HTTP_PLATFORM_PORT") is { } platformPort)
        {
            return [$"http://127.0.0.1:{ParsePort("HTTP_PLATFORM_PORT", platformPort)}"];
        }

        // App Service Linux routes to the container's PORT on any interface.
        if (Variable(environment, "PORT") is { } port)
        {
            return [$"http://0.0.0.0:{ParsePort("PORT", port)}"];
        }

        return ["http://127.0.0.1:8080"];
    }

    private static string DefaultContentRoot()
    {
        // Deployed as <site>/ptvsd/Ptvsd.WebSocketProxy.dll: the site root is the folder above.
        var baseDirectory = Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory);
        return string.Equals(Path.GetFileName(baseDirectory), "ptvsd", StringComparison.OrdinalIgnoreCase)
            ? Path.GetDirectoryName(baseDirectory)!
            : Directory.GetCurrentDirectory();
    }

    private static Uri ParseAppUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && string.IsNullOrEmpty(uri.UserInfo)
            ? uri
            : throw new ProxyConfigurationException($"--app-url '{value}' is not an absolute http(s) URL such as http://127.0.0.1:5000");

    private static int ParsePositive(string option, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : throw new ProxyConfigurationException($"{option} '{value}' is not a positive whole number");

    private static int ParseSessionCap(string name, string value)
    {
        var cap = ParsePositive(name, value.Trim());
        return cap <= ProxyContract.MaxDebugSessionsLimit
            ? cap
            : throw new ProxyConfigurationException($"{name} '{value.Trim()}' is more than {ProxyContract.MaxDebugSessionsLimit:N0} debug sessions; give a number such as {ProxyContract.DefaultMaxDebugSessions}");
    }

    private static int ParsePort(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
            ? port
            : throw new ProxyConfigurationException($"{name} '{value}' is not a TCP port (1-65535)");

    private static string ValueOf(IReadOnlyList<string> args, ref int index)
    {
        if (index + 1 >= args.Count || args[index + 1] == "--")
        {
            throw new ProxyConfigurationException($"{args[index]} needs a value; run with --help to see the options");
        }

        return args[++index];
    }

    private static string? Variable(IDictionary environment, string name) =>
        environment[name] is string { Length: > 0 } value ? value : null;
}
