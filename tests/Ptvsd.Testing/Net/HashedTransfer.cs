using System.Security.Cryptography;

namespace Ptvsd.Testing;

/// <summary>
/// Both ends of a bulk-integrity check: random bytes sent in chunks of varying size, and whatever comes back,
/// each hashed with SHA-256 on the way, so equal hashes prove that no byte was lost, added or reordered.
/// </summary>
public static class HashedTransfer
{
    // Not a power of two, and varied per chunk, so that chunk and buffer boundaries never line up.
    private const int ChunkSize = (48 * 1024) + 7;

    /// <summary>Sends <paramref name="total"/> random bytes through <paramref name="send"/>; returns their SHA-256.</summary>
    public static async Task<byte[]> SendRandomAsync(long total, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> send, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(send);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var chunk = new byte[ChunkSize];
        for (long sent = 0; sent < total;)
        {
            var count = (int)Math.Min(chunk.Length - Random.Shared.Next(1000), total - sent);
            RandomNumberGenerator.Fill(chunk.AsSpan(0, count));
            hash.AppendData(chunk, 0, count);
            await send(chunk.AsMemory(0, count), cancellationToken).ConfigureAwait(false);
            sent += count;
        }

        return hash.GetHashAndReset();
    }

    /// <summary>
    /// Receives through <paramref name="receive"/> until <paramref name="limit"/> bytes have arrived or it returns 0
    /// (end of stream); returns the SHA-256 of what arrived and how many bytes that was.
    /// </summary>
    public static async Task<(byte[] Hash, long Count)> ReceiveAsync(long limit, Func<Memory<byte>, CancellationToken, ValueTask<int>> receive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(receive);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[64 * 1024];
        long received = 0;
        int read;
        while (received < limit && (read = await receive(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            received += read;
        }

        return (hash.GetHashAndReset(), received);
    }
}
