using System.Net;
using Ptvsd.WebSocketProxy.Authentication;
using Ptvsd.WebSocketProxy.Configuration;

namespace Ptvsd.WebSocketProxy.Tests;

[Trait(ProxyTarget.Trait, ProxyTarget.NoProxy)]
public sealed class AuthFailureThrottleTests
{
    private readonly ManualTime _time = new();
    private readonly ProxyOptions _options = new() { MaxAuthFailures = 3, MaxAuthFailuresOverall = 10, AuthFailureWindow = TimeSpan.FromMinutes(1) };

    [Fact]
    public void One_address_is_throttled_after_its_budget_until_the_window_ends_and_says_so_once()
    {
        var throttle = new AuthFailureThrottle(_options, _time);
        var guesser = IPAddress.Parse("203.0.113.7");

        var verdicts = Enumerable.Range(0, 5).Select(_ => throttle.RecordFailure(guesser)).ToList();
        _time.Advance(TimeSpan.FromSeconds(61));
        var afterWindow = throttle.RecordFailure(guesser);

        Assert.Equal([false, false, false, true, true], verdicts.Select(v => v.Throttled));
        Assert.Equal([false, false, false, true, false], verdicts.Select(v => v.JustStarted));
        Assert.InRange(verdicts[3].RetryAfter, TimeSpan.FromSeconds(59), TimeSpan.FromSeconds(60));
        Assert.False(afterWindow.Throttled);
        Assert.False(throttle.RecordFailure(IPAddress.Parse("203.0.113.8")).Throttled);
    }

    [Fact]
    public void Failures_from_many_addresses_together_are_bounded_overall()
    {
        var throttle = new AuthFailureThrottle(_options, _time);

        var verdicts = Enumerable.Range(1, 12).Select(i => throttle.RecordFailure(IPAddress.Parse($"198.51.100.{i}"))).ToList();

        Assert.All(verdicts.Take(10), v => Assert.False(v.Throttled));
        Assert.All(verdicts.Skip(10), v => Assert.True(v.Throttled));
        Assert.True(verdicts[10].JustStarted);
    }

    [Fact]
    public void Failures_without_an_address_still_count_overall()
    {
        var throttle = new AuthFailureThrottle(_options, _time);

        var verdicts = Enumerable.Range(0, 11).Select(_ => throttle.RecordFailure(null)).ToList();

        Assert.True(verdicts[^1].Throttled);
    }

    private sealed class ManualTime : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 12, 4, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
