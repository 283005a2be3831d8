using System.Net;
using System.Net.Sockets;
using Ptvsd.Testing;

namespace Ptvsd.WebSocketProxy.Tests;

/// <summary>The proxy as a user runs it: its own process, its exit code, its one-line errors.</summary>
public sealed class ProgramTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(new[] { "--bogus" }, null, "unknown option '--bogus'")]
    [InlineData(new[] { "--max-sessions", "many" }, null, "--max-sessions 'many' is not a positive whole number")]
    [InlineData(new string[0], "10.0.0.8:5678", "WSGI_PTVSD_ADDRESS: '10.0.0.8' is not a loopback address")]
    public async Task User_mistakes_exit_with_code_2_and_one_line_without_a_stack_trace(string[] args, string? debugServer, string expected)
    {
        var start = ProxyTarget.StartInfo(null, args);
        start.Output = output.WriteLine;
        start.Environment["WSGI_PTVSD_ADDRESS"] = debugServer;
        await using var proxy = ManagedProcess.Start(start);

        var exitCode = await proxy.WaitForExitAsync(TimeSpan.FromSeconds(30), TestTimeouts.Default());

        Assert.Equal(2, exitCode);
        var line = Assert.Single(proxy.Output, l => l.Length > 0);
        Assert.Equal($"ptvsd proxy: {expected}", line[..Math.Min(line.Length, expected.Length + 13)]);
    }

    [Fact]
    public async Task A_port_in_use_is_one_line_not_a_stack_trace()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var start = ProxyTarget.StartInfo(null, "--urls", $"http://127.0.0.1:{port}");
        start.Output = output.WriteLine;
        await using var proxy = ManagedProcess.Start(start);

        var exitCode = await proxy.WaitForExitAsync(TimeSpan.FromSeconds(30), TestTimeouts.Default());

        Assert.Equal(1, exitCode);
        Assert.Contains(proxy.Output, l => l.Contains($"cannot listen on http://127.0.0.1:{port}: the address is in use"));
        Assert.DoesNotContain(proxy.Output, l => l.Contains("Exception") || l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Help_lists_the_options_and_exits_0()
    {
        var start = ProxyTarget.StartInfo(null, "--help");
        start.Output = output.WriteLine;
        await using var proxy = ManagedProcess.Start(start);

        Assert.Equal(0, await proxy.WaitForExitAsync(TimeSpan.FromSeconds(30), TestTimeouts.Default()));
        Assert.Contains(proxy.Output, l => l.Contains("--debug-server"));
    }
}
