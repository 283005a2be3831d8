using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Ptvsd.Testing;

namespace Ptvsd.Benchmarks;

/// <summary>One proxy payload as the SDK package ships it.</summary>
/// <param name="SizeBytes">Bytes on disk: every file the payload puts under ptvsd/ (the bootstrap included).</param>
/// <param name="ColdStartMilliseconds">Process start to the first accepted TCP connection, one per cold start.</param>
/// <param name="IdleRssBytes">Resident set size after 10 s without traffic.</param>
public sealed record PayloadResult(string Name, long SizeBytes, IReadOnlyList<double> ColdStartMilliseconds, long IdleRssBytes)
{
    public double MedianColdStart => Statistics.Median(ColdStartMilliseconds);
}

/// <summary>
/// Both proxy payloads of the packed Ptvsd.Azure.Sdk: the framework-dependent assembly (run with dotnet) and the
/// trimmed self-contained single file for linux-x64. Measured from the package itself, as a host gets them.
/// </summary>
internal static class PayloadBenchmark
{
    public const int ColdStarts = 10;
    public static readonly TimeSpan IdleTime = TimeSpan.FromSeconds(10);

    public static async Task<IReadOnlyList<PayloadResult>> MeasureAsync(CancellationToken cancellationToken)
    {
        // The Linux payload, /proc for memory: this measures a Linux host.
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The payload benchmark runs on Linux only.");
        }

        var framework = await MeasureAsync(ProxyPayload.FrameworkDependent, cancellationToken);
        var single = await MeasureAsync(ProxyPayload.LinuxSingleFile, cancellationToken);
        return [framework, single];
    }

    private static async Task<PayloadResult> MeasureAsync(ProxyPayload payload, CancellationToken cancellationToken)
    {
        var coldStarts = new List<double>();
        long idleRss = 0;
        for (var run = 0; run < ColdStarts; run++)
        {
            var port = FreePort.Get();
            var start = payload.StartInfo("--urls", $"http://127.0.0.1:{port}");
            start.Environment["WSGI_PTVSD_SECRET"] = "benchmark-secret-0123456789";
            start.Environment["DOTNET_NOLOGO"] = "1";
            var started = Stopwatch.GetTimestamp();
            await using var proxy = ManagedProcess.Start(start);
            await WaitForFirstConnectionAsync(port, proxy, cancellationToken);
            coldStarts.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);

            // The last start also stays up, idle, to be weighed.
            if (run == ColdStarts - 1)
            {
                await Task.Delay(IdleTime, cancellationToken);
                idleRss = ResidentBytes(proxy.Id);
            }
        }

        return new PayloadResult(payload.Name, payload.SizeOnDisk, coldStarts, idleRss);
    }

    private static async Task WaitForFirstConnectionAsync(int port, ManagedProcess proxy, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(10 * Stopwatch.Frequency);
        while (true)
        {
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
                return;
            }
            catch (SocketException) when (!proxy.HasExited && Stopwatch.GetTimestamp() < deadline)
            {
                // Not listening yet: ask again at once, so the measured start is within a millisecond of the real one.
                await Task.Delay(1, cancellationToken);
            }
        }
    }

    private static long ResidentBytes(int processId)
    {
        var line = File.ReadLines($"/proc/{processId}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        var kilobytes = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        return kilobytes * 1024;
    }
}
