using EdgeAgent.Mqtt.Connection;

namespace EdgeAgent.Mqtt.Tests.Connection;

public sealed class BackoffTests
{
    [Fact]
    public void NextDelay_FailureStreak_StaysWithinTheDoublingCeilingCappedAtMax()
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), new Random(7));

        var delays = Enumerable.Range(0, 12).Select(_ => backoff.NextDelay()).ToList();

        for (var n = 0; n < delays.Count; n++)
        {
            Assert.InRange(delays[n].TotalSeconds, 0, Math.Min(60, Math.Pow(2, n)));
        }

        Assert.Contains(delays, d => d > TimeSpan.FromSeconds(8));
    }

    [Fact]
    public void Reset_AfterFailures_StartsTheCeilingAgainAtMin()
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), new Random(7));
        for (var i = 0; i < 10; i++)
        {
            backoff.NextDelay();
        }

        backoff.Reset();

        Assert.Equal(0, backoff.Failures);
        Assert.InRange(backoff.NextDelay().TotalSeconds, 0, 1);
    }
}
