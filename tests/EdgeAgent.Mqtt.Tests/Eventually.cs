namespace EdgeAgent.Mqtt.Tests;

/// <summary>Polls a condition until it holds or the timeout passes (then fails with what was awaited). Never a fixed sleep.</summary>
internal static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    public static async Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = TimeProvider.System.GetTimestamp();
        var limit = timeout ?? DefaultTimeout;
        while (!condition())
        {
            if (TimeProvider.System.GetElapsedTime(deadline) > limit)
            {
                Assert.Fail($"timed out after {limit.TotalSeconds} s waiting for: {what}");
            }

            await Task.Delay(20);
        }
    }
}
