using System.Globalization;
using Ptvsd.Testing;
using Ptvsd.WebSocketProxy.Configuration;

namespace Ptvsd.WebSocketProxy.Tests;

/// <summary>
/// Starts a proxy payload with given <see cref="ProxyOptions"/> the way a user would: options on the command line,
/// the secret and the instance name in the environment. A setting a user cannot give fails the test loudly rather
/// than being dropped, so a test never silently runs the executable with other settings than it asked for.
/// </summary>
internal static class ProxyCommandLine
{
    public static ManagedProcessStartInfo StartInfo(ProxyPayload payload, ProxyOptions options, string? secret)
    {
        var defaults = new ProxyOptions();
        RequireDefault(nameof(options.MaxAuthFailures), options.MaxAuthFailures, defaults.MaxAuthFailures);
        RequireDefault(nameof(options.AuthFailureWindow), options.AuthFailureWindow, defaults.AuthFailureWindow);
        RequireDefault(nameof(options.AppRestartMaxDelay), options.AppRestartMaxDelay, defaults.AppRestartMaxDelay);
        RequireDefault(nameof(options.DebugServerAnswerTimeout), options.DebugServerAnswerTimeout, defaults.DebugServerAnswerTimeout);
        RequireDefault(nameof(options.BootstrapPath), options.BootstrapPath, Path.Combine(payload.Folder, "bootstrap"));
        if (options.KeepAliveInterval.Ticks % TimeSpan.TicksPerSecond != 0 || options.KeepAliveTimeout != 3 * options.KeepAliveInterval)
        {
            throw new NotSupportedException(
                $"KeepAliveInterval {options.KeepAliveInterval} with KeepAliveTimeout {options.KeepAliveTimeout} has no command-line form: --keep-alive takes whole seconds and sets the timeout to three intervals.");
        }

        List<string> arguments =
        [
            "--urls", string.Join(';', options.Urls),
            "--content-root", options.ContentRoot,
            "--debug-server", options.DebugServer.ToString(),
            "--max-sessions", options.MaxSessions.ToString(CultureInfo.InvariantCulture),
            "--keep-alive", ((int)options.KeepAliveInterval.TotalSeconds).ToString(CultureInfo.InvariantCulture),
        ];
        if (options.AppUrl is { } appUrl)
        {
            arguments.AddRange(["--app-url", appUrl.ToString()]);
        }

        if (options.AppCommand.Count > 0)
        {
            arguments.Add("--");
            arguments.AddRange(options.AppCommand);
        }

        var start = payload.StartInfo(arguments);
        start.WorkingDirectory = options.ContentRoot;

        // Only what the test chose: nothing from the developer's own environment reaches the proxy's settings.
        start.Environment[ProxyOptionsLoader.SecretVariable] = secret;
        start.Environment[ProxyOptionsLoader.DebugServerVariable] = null;
        start.Environment["WEBSITE_INSTANCE_ID"] = options.InstanceName;
        start.Environment["HTTP_PLATFORM_PORT"] = null;
        start.Environment["PORT"] = null;
        return start;
    }

    private static void RequireDefault<T>(string name, T value, T expected)
    {
        if (!EqualityComparer<T>.Default.Equals(value, expected))
        {
            throw new NotSupportedException($"{name} = {value} has no command-line form, so a test that sets it cannot run against the executable.");
        }
    }
}
