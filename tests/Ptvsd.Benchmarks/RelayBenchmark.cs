using System.Diagnostics;

namespace Ptvsd.Benchmarks;

/// <summary>One way for a client to reach the echo server: straight, through a plain relay, or through the proxy.</summary>
internal sealed record EchoPath(string Name, Func<CancellationToken, Task<EchoChannel>> Connect);

public sealed record LatencyResult(double P50Microseconds, double P99Microseconds);

/// <param name="MegabytesPerSecond">The median of <paramref name="Runs"/>.</param>
/// <param name="Runs">MB/s of each run.</param>
/// <param name="CpuSecondsPerGibibyte">
/// This whole process's CPU time (client, relay or proxy, echo server) per GiB echoed: unlike MB/s it
/// hardly moves when other work shares the machine, so it tells the paths' costs apart more reliably.
/// </param>
public sealed record ThroughputResult(double MegabytesPerSecond, IReadOnlyList<double> Runs, double CpuSecondsPerGibibyte);

/// <summary>
/// Latency and throughput of several paths to an echo server. The same loops run over every path, and
/// the paths take turns, block by block, so that other work on the machine (other engineers' builds,
/// test runs) weighs on all of them alike instead of on whichever happened to run at the time.
/// </summary>
internal static class RelayBenchmark
{
    public const int MessageSize = 64;
    public const int LatencyWarmUp = 2_000;
    public const int LatencyRoundTrips = 20_000;
    private const int LatencyBlock = 1_000;

    public const long ThroughputBytes = 256L * 1024 * 1024;
    public const int ThroughputRuns = 3;
    public const int ChunkSize = 64 * 1024;
    private const long ThroughputWarmUpBytes = 32L * 1024 * 1024;

    /// <summary>
    /// One 64-byte message out, wait until all 64 bytes are back, repeat: the request/response rhythm of
    /// a debugger, one at a time. Each round trip is timed on its own; one connection per path.
    /// </summary>
    public static async Task<IReadOnlyList<LatencyResult>> MeasureLatencyAsync(IReadOnlyList<EchoPath> paths, CancellationToken cancellationToken)
    {
        var channels = new List<EchoChannel>();
        try
        {
            foreach (var path in paths)
            {
                channels.Add(await path.Connect(cancellationToken));
            }

            var message = new byte[MessageSize];
            Random.Shared.NextBytes(message);
            var echo = new byte[MessageSize];

            // The warm-up lets the JIT tier up the loops on every end before anything is recorded.
            for (var p = 0; p < channels.Count; p++)
            {
                await RoundTripsAsync(paths[p], channels[p], message, echo, new double[LatencyWarmUp], cancellationToken);
            }

            var samples = paths.Select(_ => new double[LatencyRoundTrips]).ToArray();
            for (var offset = 0; offset < LatencyRoundTrips; offset += LatencyBlock)
            {
                for (var p = 0; p < channels.Count; p++)
                {
                    await RoundTripsAsync(paths[p], channels[p], message, echo, samples[p].AsMemory(offset, LatencyBlock), cancellationToken);
                }
            }

            return [.. samples.Select(s => new LatencyResult(Statistics.Percentile(s, 0.50), Statistics.Percentile(s, 0.99)))];
        }
        finally
        {
            foreach (var channel in channels)
            {
                await channel.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// <see cref="ThroughputBytes"/> sent in 64 KiB writes while the echo is read back at the same time;
    /// the clock runs from the first write to the last echoed byte. MB/s counts the payload once
    /// (bytes sent, which equal bytes echoed) in 10^6 bytes, for every path alike. Median of
    /// <see cref="ThroughputRuns"/> runs after a warm-up, each on a fresh connection.
    /// </summary>
    public static async Task<IReadOnlyList<ThroughputResult>> MeasureThroughputAsync(IReadOnlyList<EchoPath> paths, CancellationToken cancellationToken)
    {
        foreach (var path in paths)
        {
            await EchoAsync(path, ThroughputWarmUpBytes, cancellationToken);
        }

        var runs = paths.Select(_ => new List<double>()).ToArray();
        var cpu = new TimeSpan[paths.Count];
        for (var run = 0; run < ThroughputRuns; run++)
        {
            for (var p = 0; p < paths.Count; p++)
            {
                var cpuBefore = Environment.CpuUsage.TotalTime;
                var elapsed = await EchoAsync(paths[p], ThroughputBytes, cancellationToken);
                cpu[p] += Environment.CpuUsage.TotalTime - cpuBefore;
                runs[p].Add(ThroughputBytes / 1e6 / elapsed.TotalSeconds);
            }
        }

        var gibibytes = (double)ThroughputBytes * ThroughputRuns / (1L << 30);
        return [.. runs.Select((r, p) => new ThroughputResult(Statistics.Median(r), r, cpu[p].TotalSeconds / gibibytes))];
    }

    private static async Task RoundTripsAsync(EchoPath path, EchoChannel channel, byte[] message, byte[] echo, Memory<double> samples, CancellationToken cancellationToken)
    {
        for (var i = 0; i < samples.Length; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await channel.SendAsync(message, cancellationToken);
            await channel.ReceiveExactlyAsync(echo, cancellationToken);
            samples.Span[i] = Statistics.Microseconds(started, Stopwatch.GetTimestamp());
        }

        if (!echo.AsSpan().SequenceEqual(message))
        {
            throw new InvalidDataException($"The echo through the {path.Name} path did not match the message sent.");
        }
    }

    private static async Task<TimeSpan> EchoAsync(EchoPath path, long totalBytes, CancellationToken cancellationToken)
    {
        await using var channel = await path.Connect(cancellationToken);
        var payload = new byte[ChunkSize];
        Random.Shared.NextBytes(payload);
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        var started = Stopwatch.GetTimestamp();
        var sending = SendAllAsync(channel, payload, totalBytes, failed);
        var receiving = ReceiveAllAsync(channel, totalBytes, failed);
        await Task.WhenAll(sending, receiving);
        return Stopwatch.GetElapsedTime(started);
    }

    private static async Task SendAllAsync(EchoChannel channel, byte[] payload, long totalBytes, CancellationTokenSource failed)
    {
        // Off the caller's thread at once, so sending and receiving really overlap.
        await Task.Yield();
        try
        {
            for (var sent = 0L; sent < totalBytes; sent += ChunkSize)
            {
                await channel.SendAsync(payload.AsMemory(0, (int)Math.Min(ChunkSize, totalBytes - sent)), failed.Token);
            }
        }
        catch
        {
            // The receiver would otherwise wait forever for bytes that were never sent.
            await failed.CancelAsync();
            throw;
        }
    }

    private static async Task ReceiveAllAsync(EchoChannel channel, long totalBytes, CancellationTokenSource failed)
    {
        var buffer = new byte[ChunkSize];
        try
        {
            for (var received = 0L; received < totalBytes;)
            {
                received += await channel.ReceiveAsync(buffer, failed.Token);
            }
        }
        catch
        {
            // A sender blocked on a full window would otherwise wait forever for us to drain it.
            await failed.CancelAsync();
            throw;
        }
    }
}
