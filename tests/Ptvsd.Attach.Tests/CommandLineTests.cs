using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Ptvsd.Attach.CommandLine;
using Ptvsd.Attach.Target;
using Ptvsd.Contract;
using Ptvsd.Testing;
using Ptvsd.WebSocketProxy.Tests;

namespace Ptvsd.Attach.Tests;

public sealed class CommandLineTests(ITestOutputHelper output)
{
    private const string Secret = "m3vq8xk2tw9pz4rb7ndc";
    private const string Uri = $"wss://{Secret}@example.azurewebsites.net/ptvsd";
    private const string AttachHelp = "run `ptvsd attach --help` for the options";

    public static TheoryData<string[], string> Mistakes => new()
    {
        { ["attach"], $"attach: give the attach URI ({AttachUriParser.AcceptedForms}); {AttachHelp}" },
        { ["attach", Uri, "--prot", "5678"], $"attach: unknown option '--prot'; {AttachHelp}" },
        { ["attach", Uri, "-p", "5678"], $"attach: unknown option '-p'; {AttachHelp}" },
        { ["attach", Uri, "--port"], $"attach: --port needs a value; {AttachHelp}" },
        { ["attach", "--port", Uri], $"attach: --port takes a TCP port number (0-65535; 0 picks a free one); {AttachHelp}" },
        { ["attach", Uri, "--port", "99999"], $"attach: --port takes a TCP port number (0-65535; 0 picks a free one); {AttachHelp}" },
        { ["attach", Uri, "--port", "1", "--port", "2"], $"attach: --port is given twice; {AttachHelp}" },
        { ["attach", Uri, "--bind", "my-laptop"], $"attach: --bind takes an IP address of this machine, such as 127.0.0.1 or ::1; {AttachHelp}" },
        { ["attach", Uri, "--insecure=yes"], $"attach: --insecure takes no value; {AttachHelp}" },
        { ["attach", Uri, Uri], $"attach: expected one attach URI, but got 2 arguments that are not options; {AttachHelp}" },
        { ["attach", Uri, "--project", "."], $"attach: give either an attach URI or --project, not both; {AttachHelp}" },
        { ["attach", Uri, "--instance", "a;b=c"], $"attach: --instance takes an instance name: letters, digits, '-', '_' and '.' (the instance `ptvsd probe` reports); {AttachHelp}" },
        { ["attach", Uri, "--remote-root", " "], $"attach: --remote-root is empty; give the app's folder on the site, e.g. /home/site/wwwroot; {AttachHelp}" },
        { ["probe", Uri, "--port", "5678"], "probe: unknown option '--port'; run `ptvsd probe --help` for the options" },
        { ["probe", $"https://{Secret}@example.com/ptvsd"], $"the attach URI starts with https://, which is not a WebSocket scheme: use wss:// (or ws:// for a proxy without TLS). Accepted forms: {AttachUriParser.AcceptedForms}" },
        { [Uri], "the first argument must be a command: attach, probe or restart (see ptvsd --help)" },
        { ["debug", Uri], "the first argument must be a command: attach, probe or restart (see ptvsd --help)" },

        // Forms System.CommandLine reads in its own way, held to the messages above.
        { ["--insecure", "attach", Uri], "the first argument must be a command: attach, probe or restart (see ptvsd --help)" },
        { ["attach", Uri, "--insecure", "true"], $"attach: expected one attach URI, but got 2 arguments that are not options; {AttachHelp}" },
        { ["attach", Uri, "--insecure:yes"], $"attach: --insecure takes no value; {AttachHelp}" },
        { ["attach", Uri, "--insecure", "--insecure"], $"attach: --insecure is given twice; {AttachHelp}" },
        { ["attach", Uri, "--port=1", "--port:2"], $"attach: --port is given twice; {AttachHelp}" },
        { ["attach", Uri, "--port:99999"], $"attach: --port takes a TCP port number (0-65535; 0 picks a free one); {AttachHelp}" },
        { ["attach", Uri, "--port", "--insecure"], $"attach: --port needs a value; {AttachHelp}" },
        { ["attach", Uri, "--port", "--prot"], $"attach: --port needs a value; {AttachHelp}" },
        { ["attach", "--prot=" + Uri], $"attach: unknown option '--prot'; {AttachHelp}" },
        { ["attach", "--", Uri], $"attach: unknown option '--'; {AttachHelp}" },
        { ["attach", "--", "-" + Secret + "@example.com"], $"attach: unknown option '--'; {AttachHelp}" },
        { ["probe", Uri, "--json", "--json"], $"probe: --json is given twice; run `ptvsd probe --help` for the options" },
        { ["restart", Uri, "--json"], "restart: unknown option '--json'; run `ptvsd restart --help` for the options" },
        { ["restart", "--project"], "restart: --project needs a value; run `ptvsd restart --help` for the options" },

        // An empty glued value would make System.CommandLine take the next argument, the URI, as the option's value.
        { ["attach", "--project=", Uri], $"attach: --project needs a value; {AttachHelp}" },
        { ["probe", "--project:", $"{Secret}@example.com"], "probe: --project needs a value; run `ptvsd probe --help` for the options" },
        { ["attach", "--remote-root=", Uri, "--project", "."], $"attach: --remote-root needs a value; {AttachHelp}" },
        { ["attach", Uri, "--insecure="], $"attach: --insecure takes no value; {AttachHelp}" },

        // The URI where something else goes is described, never quoted.
        { ["attach", "-" + Secret + "@example.com"], $"attach: an argument starts with '-' but is not one of its options; {AttachHelp}" },
        { ["attach", "--port" + Secret + "@example.com"], $"attach: an argument starts with '-' but is not one of its options; {AttachHelp}" },
        { ["attach", "--" + Secret + "=x"], $"attach: an argument starts with '-' but is not one of its options; {AttachHelp}" },
        { ["attach", "--project", Uri], $"--project {TypedText.NotShown}: no such project file or directory" },
        { ["attach", "--project", "." + Uri], $"--project {TypedText.NotShown}: no such project file or directory" },
        { ["attach", "--project", "." + Secret + "@example.com"], $"--project {TypedText.NotShown}: no such project file or directory" },
        { ["attach", Uri, "--remote-root", Uri], $"attach: --remote-root takes the app's folder on the site, e.g. /home/site/wwwroot, not the attach URI; {AttachHelp}" },
        { ["probe", Uri + Uri], $"the attach URI has the path {TypedText.NotShown}: the debug endpoint is /ptvsd. Accepted forms: {AttachUriParser.AcceptedForms}" },
        { ["probe", Uri + "," + Uri], $"the attach URI has the path {TypedText.NotShown}: the debug endpoint is /ptvsd. Accepted forms: {AttachUriParser.AcceptedForms}" },

        // Directives print every token ([diagram]) and response files read files: neither is on.
        { ["[diagram]", "attach", Uri, "--port", "99999"], "the first argument must be a command: attach, probe or restart (see ptvsd --help)" },
        { [$"[{Uri}]", "attach"], "the first argument must be a command: attach, probe or restart (see ptvsd --help)" },
        { ["attach", "@" + Secret], $"the attach URI has an empty secret before '@'. Accepted forms: {AttachUriParser.AcceptedForms}" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public async Task User_mistakes_are_one_line_on_stderr_with_exit_code_2_and_never_show_the_secret(string[] args, string message)
    {
        var run = await ToolRun.RunAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Output);
        Assert.Equal($"ptvsd: {message}", Assert.Single(run.ErrorLines));
        Assert.DoesNotContain(Secret, run.Errors);
    }

    [Fact]
    public async Task An_argument_that_starts_with_at_is_not_read_as_a_response_file()
    {
        // Were response files on, `@FILE` would put --help from the file on the line and exit 0.
        var directory = Directory.CreateTempSubdirectory("ptvsd-rsp-");
        var file = Path.Combine(directory.FullName, "args.rsp");
        await File.WriteAllTextAsync(file, "--help\n", TestTimeouts.Default());

        var run = await ToolRun.RunAsync("probe", "@" + file);
        directory.Delete(recursive: true);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("ptvsd: the attach URI ", Assert.Single(run.ErrorLines));
        Assert.Equal("", run.Output);
    }

    [Fact]
    public void Every_commands_usage_lists_exactly_the_options_it_takes()
    {
        foreach (var command in new SiteCommand[] { new AttachCommand(), new ProbeCommand(), new RestartCommand() })
        {
            var listed = Regex.Matches(command.Usage[command.Usage.IndexOf("Options:", StringComparison.Ordinal)..], @"^\s+(?:-\w, )?(--[\w-]+)", RegexOptions.Multiline)
                .Select(match => match.Groups[1].Value)
                .Order(StringComparer.Ordinal);
            var taken = command.ToolOptions.Select(option => option.Name).Append("--help").Order(StringComparer.Ordinal);

            Assert.Equal(taken, listed);
        }
    }

    [Theory]
    [InlineData(new[] { "--help" }, "ptvsd attach URI [options]")]
    [InlineData(new[] { "-h" }, "ptvsd probe URI [options]")]
    [InlineData(new[] { "help" }, "ptvsd <command> --help")]
    [InlineData(new[] { "help", "attach" }, "--remote-root PATH")]
    [InlineData(new[] { "attach", "--help" }, "--bind ADDRESS")]
    [InlineData(new[] { "attach", Uri, "--port", "x", "-h" }, "Exit codes: 0 stopped by Ctrl+C")]
    [InlineData(new[] { "probe", "--help" }, "--json")]
    [InlineData(new[] { "probe", "-?" }, "5. the debug server is reachable")]
    [InlineData(new[] { "help", "restart", "now" }, "Restarts the site's app and its debugger")]
    [InlineData(new[] { "help", "debug" }, "ptvsd <command> --help")]
    [InlineData(new[] { "attach", "--port", "1", "--port", "2", "--help" }, "--bind ADDRESS")]
    [InlineData(new[] { Uri, "--help" }, "ptvsd <command> --help")]
    public async Task Help_for_every_command_goes_to_stdout_with_exit_code_0(string[] args, string expected)
    {
        var run = await ToolRun.RunAsync(args);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains(expected, run.Output);
        Assert.Equal("", run.Errors);
    }

    [Fact]
    public async Task Version_is_the_repository_version()
    {
        var run = await ToolRun.RunAsync("--version");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(RepoPaths.ProductVersion, run.Output.Trim());
        Assert.Matches(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$", run.Output.Trim());
    }

    [Fact]
    public async Task No_arguments_print_the_usage_on_stderr_with_exit_code_2()
    {
        var run = await ToolRun.RunAsync();

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("ptvsd attach URI [options]", run.Errors);
    }

    [Fact]
    public async Task The_real_process_reports_a_bad_uri_as_one_line_without_a_stack_trace_and_exits_2()
    {
        await using var tool = ManagedProcess.Start(new ManagedProcessStartInfo("dotnet", AttachProcess.ToolPath, "attach", $"ftp://{Secret}@example.com/ptvsd") { Output = output.WriteLine });

        Assert.Equal(2, await tool.WaitForExitAsync(TimeSpan.FromSeconds(30), TestTimeouts.Default()));
        var line = Assert.Single(tool.ErrorOutput);
        Assert.StartsWith("ptvsd: the attach URI starts with ftp://, which is not a WebSocket scheme", line);
        Assert.Empty(tool.Output.Except(tool.ErrorOutput));
        Assert.DoesNotContain(Secret, line);
    }

    [Fact]
    public async Task A_port_in_use_is_one_line_with_exit_code_1()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        await using var tool = ManagedProcess.Start(new ManagedProcessStartInfo("dotnet", AttachProcess.ToolPath, "attach", Uri, "--port", port.ToString())
        {
            Output = output.WriteLine,
        });

        Assert.Equal(1, await tool.WaitForExitAsync(TimeSpan.FromSeconds(30), TestTimeouts.Default()));
        Assert.Equal(
            $"ptvsd: cannot listen on 127.0.0.1:{port}: the port is in use (another ptvsd attach, or debugpy itself?); choose another with --port, or --port 0 for a free one",
            Assert.Single(tool.ErrorOutput));
        Assert.DoesNotContain(tool.Output, line => line.Contains("Exception", StringComparison.Ordinal) || line.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Insecure_says_so_on_stderr()
    {
        var ct = TestTimeouts.Default();
        await using var attach = await AttachProcess.StartAsync(Uri, Secret, output, ct, "--insecure");

        // stderr is read apart from stdout, whose "listening" line StartAsync waited for: the warning may still be on its way.
        await Poll.UntilAsync(
            () => attach.Process.ErrorOutput.Any(line => line.StartsWith("ptvsd: warning: --insecure: the site's TLS certificate is not checked", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(10), ct, "the --insecure warning on stderr");
    }

    [Fact]
    public async Task Listening_beyond_loopback_warns_that_anyone_reaching_the_port_can_run_code()
    {
        var ct = TestTimeouts.Default();
        await using var attach = await AttachProcess.StartAsync(Uri, Secret, output, ct, "--bind", "0.0.0.0");

        await Poll.UntilAsync(
            () => attach.Process.ErrorOutput.Any(line => line.Contains("anyone who can reach this machine on that port can attach a debugger", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(10), ct, "the exposure warning on stderr");
        Assert.Contains(attach.Output, line => line.Contains($"\"host\": \"127.0.0.1\"", StringComparison.Ordinal));
    }
}
