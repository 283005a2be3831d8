namespace Ptvsd.Attach.CommandLine;

/// <summary>
/// One command's arguments: at most one positional (the attach URI) and options from a known set, as
/// <c>--name value</c> or <c>--name=value</c>. Mistakes are <see cref="UsageException"/>s that never quote a
/// positional argument or an option's value: either may be the secret.
/// </summary>
internal sealed class CommandArguments
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);

    private CommandArguments(string command) => Command = command;

    public string Command { get; }

    public string? Positional { get; private set; }

    public bool HelpRequested { get; private set; }

    public static bool IsHelp(string argument) => argument is "-h" or "--help" or "-?";

    /// <param name="command">The command's name, for messages.</param>
    /// <param name="args">The arguments after the command's name.</param>
    /// <param name="flags">Options that take no value.</param>
    /// <param name="valued">Options that take one value.</param>
    public static CommandArguments Read(string command, IReadOnlyList<string> args, IReadOnlySet<string> flags, IReadOnlySet<string> valued)
    {
        var result = new CommandArguments(command);
        if (args.Any(IsHelp))
        {
            // Help wins over every other mistake on the line: it is what someone unsure of the options asks for.
            result.HelpRequested = true;
            return result;
        }

        var positionals = 0;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith('-') || arg.Length == 1)
            {
                positionals++;
                result.Positional = arg;
                continue;
            }

            var equals = arg.IndexOf('=');
            var name = equals < 0 ? arg : arg[..equals];
            string? value = equals < 0 ? null : arg[(equals + 1)..];
            if (flags.Contains(name))
            {
                if (value is not null)
                {
                    throw result.Mistake($"{name} takes no value");
                }
            }
            else if (valued.Contains(name))
            {
                if (value is null)
                {
                    if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    {
                        throw result.Mistake($"{name} needs a value");
                    }

                    value = args[++i];
                }
            }
            else
            {
                throw result.Mistake($"unknown option '{(name.Length <= 40 ? name : name[..37] + "...")}'");
            }

            if (!result._options.TryAdd(name, value))
            {
                throw result.Mistake($"{name} is given twice");
            }
        }

        if (positionals > 1)
        {
            throw result.Mistake($"expected one attach URI, but got {positionals} arguments that are not options");
        }

        return result;
    }

    public bool Has(string option) => _options.ContainsKey(option);

    public string? Value(string option) => _options.GetValueOrDefault(option);

    public UsageException Mistake(string problem) => new($"{Command}: {problem}; run `ptvsd {Command} --help` for the options");
}
