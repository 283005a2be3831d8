namespace Ptvsd.Testing;

/// <summary>Waits for a condition that another thread or process makes true, checking it every few milliseconds.</summary>
public static class Poll
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// Returns once <paramref name="condition"/> is true; throws <see cref="TimeoutException"/> after
    /// <paramref name="timeout"/>, naming <paramref name="what"/> when given.
    /// </summary>
    public static async Task UntilAsync(Func<bool> condition, TimeSpan timeout, CancellationToken cancellationToken, string? what = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{what ?? "The condition"} was not met within {timeout.TotalSeconds:0.#} s.");
            }

            await Task.Delay(Interval, cancellationToken).ConfigureAwait(false);
        }
    }
}
