using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;

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

    // Response files (`@file`) and directives (`[diagram]` prints every token) are features ptvsd does not offer:
    // the first reads files the user did not mean to pass, the second would print the attach URI's secret.
    private static readonly ParserConfiguration ParserSettings = new() { ResponseFileTokenReplacer = null };

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        if (args.Count == 0)
        {
            errors.WriteLine(Usage);
            return UsageError;
        }

        var result = CreateRootCommand().Parse(args, ParserSettings);
        var invocation = new InvocationConfiguration
        {
            Output = output,
            Error = errors,
            // Program.cs turns Ctrl+C and SIGTERM into cancellation itself; a user mistake is a UsageException to
            // report below, anything else a bug whose stack trace belongs on the screen.
            ProcessTerminationTimeout = null,
            EnableDefaultExceptionHandler = false,
        };

        try
        {
            // Help wins over every other mistake on the line: it is what someone unsure of the options asks for.
            if (result.Action is not PrintAction && FindSyntaxMistake(result, args) is { } mistake)
            {
                throw mistake;
            }

            return await result.InvokeAsync(invocation, cancellationToken);
        }
        catch (UsageException ex)
        {
            errors.WriteLine($"ptvsd: {ex.Message}");
            return UsageError;
        }
    }

    private static RootCommand CreateRootCommand()
    {
        // `ptvsd help [command]`, as git and dotnet have it, besides --help.
        var help = new Command("help") { Hidden = true, Action = new PrintAction(UsageOf) };
        help.Arguments.Add(new Argument<string[]>("command") { Arity = ArgumentArity.ZeroOrMore });

        var root = new RootCommand { new AttachCommand(), new ProbeCommand(), new RestartCommand(), help };
        root.Directives.Clear();
        foreach (var option in root.Options)
        {
            option.Action = option switch
            {
                HelpOption => new PrintAction(UsageOf),
                // The package version, as `dotnet tool list` shows it, not the informational version with its commit.
                VersionOption => new PrintAction(_ => ToolVersion.Current),
                _ => option.Action,
            };
        }

        return root;
    }

    private static string UsageOf(ParseResult result)
    {
        var command = result.CommandResult.Command;
        if (command.Name == "help" && result.CommandResult.Tokens is [var topic, ..])
        {
            command = result.RootCommandResult.Command.Subcommands.FirstOrDefault(c => c.Name == topic.Value) ?? command;
        }

        return command is SiteCommand siteCommand ? siteCommand.Usage : Usage;
    }

    private static UsageException? FindSyntaxMistake(ParseResult result, IReadOnlyList<string> args)
    {
        // Directive tokens ([name] before the command) are dropped by the parser when, as here, none is declared.
        if (result.CommandResult.Command is SiteCommand command && result.UnmatchedTokens.Count == 0 && !result.Tokens.Any(token => token.Type == TokenType.Directive))
        {
            return command.FindSyntaxMistake(result, args);
        }

        // Not quoted: a forgotten command word leaves the attach URI, secret and all, in its place.
        return new UsageException("the first argument must be a command: attach, probe or restart (see ptvsd --help)");
    }
}
