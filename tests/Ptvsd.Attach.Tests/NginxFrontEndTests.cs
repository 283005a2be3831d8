using System.Text;
using Ptvsd.WebSocketProxy.Tests;

namespace Ptvsd.Attach.Tests;

/// <summary>
/// <c>ptvsd attach</c> and <c>ptvsd probe</c> through a real nginx in front of the proxy, as many sites have one:
/// sessions work through it, and the secret stays out of its logs in their default format.
/// </summary>
[Trait(TestCategories.Category, TestCategories.Slow)]
public sealed class NginxFrontEndTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Attach_and_probe_work_through_nginx_and_its_default_logs_never_hold_the_secret()
    {
        var ct = TestTimeouts.Default(120);
        await using var debugServer = new TcpEchoServer();
        await using var proxy = await RunningProxy.StartAsync(output, options => options.DebugServer = RunningProxy.Loopback(debugServer.Port));
        await using var nginx = await NginxFrontEnd.StartAsync(proxy.BaseUri, output, ct);
        var secret = proxy.Secret!;
        var attachUri = $"ws://{secret}@{nginx.Authority}/ptvsd";

        await using (var attach = await AttachProcess.StartAsync(attachUri, secret, output, ct))
        {
            using var debugger = await BridgeRelayTests.ConnectAsync(attach, ct);
            var message = "Content-Length: 2\r\n\r\n{}"u8.ToArray();
            await debugger.SendAsync(message, ct);
            var echo = new byte[message.Length];
            for (var received = 0; received < echo.Length;)
            {
                var read = await debugger.ReceiveAsync(echo.AsMemory(received), ct);
                Assert.NotEqual(0, read);
                received += read;
            }

            Assert.Equal(message, echo);
            Assert.Equal(1, debugServer.AcceptedCount);
            debugger.Shutdown(System.Net.Sockets.SocketShutdown.Send);
            await attach.WaitForLineAsync("session 1 closed", ct);
        }

        var probe = await ToolRun.RunAsync("probe", attachUri);
        output.WriteLine(probe.Output + probe.Errors);
        Assert.Equal(0, probe.ExitCode);
        Assert.DoesNotContain(secret, probe.Output + probe.Errors);

        // nginx writes each access log line when the request ends; stopping it makes sure every line is on disk.
        Assert.Equal(0, await nginx.StopAsync(ct));
        var accessLog = await File.ReadAllTextAsync(nginx.AccessLogPath, ct);
        var errorLog = await File.ReadAllTextAsync(nginx.ErrorLogPath, ct);
        output.WriteLine("access.log:\n" + accessLog);
        output.WriteLine("error.log:\n" + errorLog);

        // The attach session's upgrade, and the probe's authenticated status request.
        Assert.Contains("\"GET /ptvsd HTTP/1.1\" 101 ", accessLog, StringComparison.Ordinal);
        Assert.Contains("\"GET /ptvsd?format=json HTTP/1.1\" 200 ", accessLog, StringComparison.Ordinal);
        foreach (var (name, log) in new[] { ("access.log", accessLog), ("error.log", errorLog) })
        {
            foreach (var (form, text) in SecretForms(secret))
            {
                Assert.False(log.Contains(text, StringComparison.OrdinalIgnoreCase), $"nginx's {name} holds {form}");
            }
        }
    }

    private static IEnumerable<(string Form, string Text)> SecretForms(string secret)
    {
        yield return ("the secret", secret);
        yield return ("the secret as Basic credentials", Convert.ToBase64String(Encoding.UTF8.GetBytes(secret + ":")));

        // With a password after it, the base64 still starts the same: its first whole groups encode the secret alone.
        yield return ("the secret as Basic credentials with a password", Convert.ToBase64String(Encoding.UTF8.GetBytes(secret[..(secret.Length / 3 * 3)])));
    }
}
