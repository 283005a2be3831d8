namespace Ptvsd.Attach.CommandLine;

/// <summary>
/// The <c>ptvsd</c> command line: picks the command, turns user mistakes into one line on stderr with exit code 2,
/// and leaves stack traces to real bugs.
/// </summary>
internal static class Cli
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int UsageError = 2;

    // What a shell reports for a process ended by Ctrl+C (128 + SIGINT).
    public const int Interrupted = 130;

    public const string Usage = """
        ptvsd: attach a debugger to a Python web app that only HTTP(S) reaches, through its /ptvsd debug endpoint.

        Usage:
          ptvsd attach URI [options]   Bridge a local port (127.0.0.1:5678) to the site, for VS Code or Visual Studio to attach to
          ptvsd probe URI [options]    Explain why attaching fails
          ptvsd restart URI [options]  Restart the site's app and its debugger (a debugger that never answers, say)
          ptvsd <command> --help       The command's options
          ptvsd --version

        URI: the attach URI printed by `dotnet publish -c Debug`, such as wss://SECRET@mysite.azurewebsites.net/ptvsd
             (also ws://SECRET@host:port/ptvsd, or SECRET@host); or --project PATH to read it from the last Debug publish.
        """;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        try
        {
            return await DispatchAsync(args, output, errors, cancellationToken);
        }
        catch (UsageException ex)
        {
            errors.WriteLine($"ptvsd: {ex.Message}");
            return UsageError;
        }
    }

    private static async Task<int> DispatchAsync(IReadOnlyList<string> args, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        if (args.Count == 0)
        {
            errors.WriteLine(Usage);
            return UsageError;
        }

        var rest = args.Skip(1).ToArray();
        switch (args[0])
        {
            case var help when CommandArguments.IsHelp(help) || help == "help":
                output.WriteLine(rest.FirstOrDefault() switch
                {
                    AttachCommand.Name => AttachCommand.Usage,
                    ProbeCommand.Name => ProbeCommand.Usage,
                    RestartCommand.Name => RestartCommand.Usage,
                    _ => Usage,
                });
                return Success;

            case "--version":
                output.WriteLine(ToolVersion.Current);
                return Success;

            case AttachCommand.Name:
                if (AttachCommand.Parse(rest) is not { } attach)
                {
                    output.WriteLine(AttachCommand.Usage);
                    return Success;
                }

                // Ctrl+C is how attach is meant to end: it closes every session and returns 0.
                return await AttachCommand.RunAsync(attach, output, errors, cancellationToken);

            case ProbeCommand.Name:
                if (ProbeCommand.Parse(rest) is not { } probe)
                {
                    output.WriteLine(ProbeCommand.Usage);
                    return Success;
                }

                try
                {
                    return await ProbeCommand.RunAsync(probe, output, errors, cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    errors.WriteLine("ptvsd: probe interrupted");
                    return Interrupted;
                }

            case RestartCommand.Name:
                if (RestartCommand.Parse(rest) is not { } restart)
                {
                    output.WriteLine(RestartCommand.Usage);
                    return Success;
                }

                return await RestartCommand.RunAsync(restart, output, errors, cancellationToken);

            default:
                // Not quoted: a forgotten command word leaves the attach URI, secret and all, in its place.
                throw new UsageException("the first argument must be a command: attach, probe or restart (see ptvsd --help)");
        }
    }
}
