using System.CommandLine;
using System.Net;
using System.Text.RegularExpressions;
using Ptvsd.Attach.Site;
using Ptvsd.Attach.Target;
using Ptvsd.Contract;

namespace Ptvsd.Attach.CommandLine;

/// <summary>
/// A ptvsd command aimed at one site: the attach URI (or <c>--project</c>), <c>--instance</c> and <c>--insecure</c>,
/// plus the command's own options. System.CommandLine reads the line; this class turns what it read into mistakes
/// that never quote a positional argument or an option's value, since either may be the secret.
/// </summary>
internal abstract partial class SiteCommand : Command
{
    // Zero or more, not at most one: a second URI, or an option this command lacks (System.CommandLine reads it as
    // a positional), is then ours to report, instead of System.CommandLine's "Unrecognized command or argument '…'",
    // which would echo a misplaced URI's secret.
    private readonly Argument<string[]> _positionals = new("URI") { Arity = ArgumentArity.ZeroOrMore };
    private readonly List<Option<bool>> _flags = [];
    private readonly List<Option<string>> _valued = [];
    private readonly Option<string> _project;
    private readonly Option<string> _instance;
    private readonly Option<bool> _insecure;

    protected SiteCommand(string name, string usage)
        : base(name)
    {
        Usage = usage;
        Arguments.Add(_positionals);
        _project = AddValued("--project");
        _instance = AddValued("--instance");
        _insecure = AddFlag("--insecure");
    }

    /// <summary>What <c>--help</c> prints: written by hand, for the exit codes, the URI's forms and the checks it explains.</summary>
    public string Usage { get; }

    /// <summary>Every option this command takes, for its usage text to be checked against.</summary>
    public IEnumerable<Option> ToolOptions => _valued.Cast<Option>().Concat(_flags);

    /// <summary>
    /// The first mistake in how the line is put together (options, values, how many positionals), before any value
    /// is read; null when there is none. <paramref name="args"/> is the whole command line as typed.
    /// </summary>
    public UsageException? FindSyntaxMistake(ParseResult result, IReadOnlyList<string> args)
    {
        if (FindGluedMistake(args) is { } glued)
        {
            return glued;
        }

        var positionals = result.GetValue(_positionals) ?? [];
        if (positionals.FirstOrDefault(IsOption) is { } unknown)
        {
            // Quoted only when it reads as an option name: `-SECRET@host` is a URI with a stray dash.
            var name = unknown.Split('=', ':')[0];
            return Mistake(PlausibleOptionName().IsMatch(name) ? $"unknown option '{name}'" : "an argument starts with '-' but is not one of its options");
        }

        foreach (var option in ToolOptions)
        {
            if (result.GetResult(option) is not { Implicit: false } given)
            {
                continue;
            }

            if (given.IdentifierTokenCount > 1)
            {
                return Mistake($"{option.Name} is given twice");
            }

            // An option right after it is taken as the value by System.CommandLine when this command does not know
            // that option; either way the value is missing.
            if (option.Arity.MaximumNumberOfValues > 0 && (given.Tokens.Count == 0 || given.Tokens[0].Value.StartsWith("--", StringComparison.Ordinal)))
            {
                return Mistake($"{option.Name} needs a value");
            }
        }

        if (positionals.Length > 1)
        {
            return Mistake($"expected one attach URI, but got {positionals.Length} arguments that are not options");
        }

        // Nothing above should leave System.CommandLine with an error of its own; if it does, say so without its text,
        // which may quote what was typed.
        return result.Errors.Count > 0 ? Mistake("the command line is not valid") : null;
    }

    /// <summary>
    /// What System.CommandLine reads its own way, in the arguments after the command's name: `--name=` with nothing
    /// after it takes the next argument (the URI, say) as the value; `--flag=x` is the flag and a positional; `--`
    /// ends the options, which ptvsd has no use for, since no attach URI starts with '-'.
    /// </summary>
    private UsageException? FindGluedMistake(IReadOnlyList<string> args)
    {
        foreach (var arg in args.SkipWhile(arg => arg != Name).Skip(1))
        {
            if (arg == "--")
            {
                return Mistake("unknown option '--'");
            }

            var separator = arg.IndexOfAny(['=', ':']);
            if (!arg.StartsWith('-') || separator < 0)
            {
                continue;
            }

            var name = arg[..separator];
            if (_flags.Any(flag => flag.Name == name))
            {
                return Mistake($"{name} takes no value");
            }

            if (separator == arg.Length - 1 && _valued.Any(option => option.Name == name))
            {
                return Mistake($"{name} needs a value");
            }
        }

        return null;
    }

    public UsageException Mistake(string problem) => new($"{Name}: {problem}; run `ptvsd {Name} --help` for the options");

    protected Option<bool> AddFlag(string name)
    {
        // Arity zero: `--insecure true` is the flag and a stray positional, as it was before System.CommandLine.
        var flag = new Option<bool>(name) { Arity = ArgumentArity.Zero };
        Options.Add(flag);
        _flags.Add(flag);
        return flag;
    }

    protected Option<string> AddValued(string name)
    {
        var option = new Option<string>(name);
        Options.Add(option);
        _valued.Add(option);
        return option;
    }

    protected AttachUri ReadTarget(ParseResult result)
    {
        var project = result.GetValue(_project);
        var uri = result.GetValue(_positionals) is [var single] ? single : null;
        return (uri, project) switch
        {
            (null, null) => throw Mistake($"give the attach URI ({AttachUriParser.AcceptedForms})"),
            ({ }, { }) => throw Mistake("give either an attach URI or --project, not both"),
            (null, { }) => ProjectAttachFile.Read(project),
            _ => AttachUriArgument.Parse(uri),
        };
    }

    protected SiteOptions ReadSiteOptions(ParseResult result)
    {
        var instance = result.GetValue(_instance);
        if (instance is not null && (instance.Length is 0 or > 128 || !instance.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            throw Mistake("--instance takes an instance name: letters, digits, '-', '_' and '.' (the instance `ptvsd probe` reports)");
        }

        return new SiteOptions(instance, result.GetValue(_insecure));
    }

    /// <summary>Says out loud when the secret and the session may travel where others can read them.</summary>
    protected static void WarnAboutExposure(AttachUri target, SiteOptions site, TextWriter errors)
    {
        if (site.Insecure && target.IsSecure)
        {
            errors.WriteLine("ptvsd: warning: --insecure: the site's TLS certificate is not checked; whoever sits in between could read the secret and the debug session");
        }

        if (!target.IsSecure && !IsLoopback(target.Host))
        {
            errors.WriteLine($"ptvsd: warning: ws:// sends the secret and the debug session to {target.Host} unencrypted; use wss:// unless the network is yours");
        }
    }

    private static bool IsOption(string positional) => positional.Length > 1 && positional[0] == '-';

    // Letters and dashes, shorter than any secret (32 characters, with digits).
    [GeneratedRegex("^--?[A-Za-z][A-Za-z-]{0,22}$")]
    private static partial Regex PlausibleOptionName();

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
