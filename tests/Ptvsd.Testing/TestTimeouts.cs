namespace Ptvsd.Testing;

/// <summary>Cancellation deadlines for tests.</summary>
public static class TestTimeouts
{
    /// <summary>Generous: a hang fails the test with a message instead of stalling the run.</summary>
    public static CancellationToken Default(int seconds = 60) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;
}
