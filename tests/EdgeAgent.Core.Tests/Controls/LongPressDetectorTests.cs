using EdgeAgent.Core.Controls;
using Microsoft.Extensions.Time.Testing;

namespace EdgeAgent.Core.Tests.Controls;

public sealed class LongPressDetectorTests
{
    private const int PollMs = 10;

    [Theory]
    // A level per 10 ms poll, from ranges of pressed milliseconds [from, to); long_press_ms 3000, debounce 30 ms.
    // Expected: the poll times (ms) at which a long press fires.
    [InlineData(6000, new[] { 100, 5000 }, new[] { 3100 })]            // pressed from 100 ms: fires at 100 + 3000, while held
    [InlineData(6000, new[] { 100, 3100 }, new int[0])]                 // released at 3100: last pressed poll is 3090, 2990 ms
    [InlineData(6000, new[] { 100, 1000 }, new int[0])]                 // a short press never fires, nor does its release
    [InlineData(20000, new[] { 0, 15000 }, new[] { 3000 })]             // held 15 s: fires once
    [InlineData(12000, new[] { 0, 4000, 6000, 10000 }, new[] { 3000, 9000 })] // two long presses: two fires
    public void Observe_PressPatterns_FireOnceWhenTheLongPressIsReached(int totalMs, int[] pressedRanges, int[] firesAt) =>
        Assert.Equal(firesAt, Run(totalMs, t => InRanges(t, pressedRanges)));

    [Fact]
    public void Observe_Bouncing_NeverFires()
    {
        // Chatter for 5 s: the level flips every poll (10 ms), never stable for 30 ms.
        Assert.Empty(Run(5000, t => t / PollMs % 2 == 0));
    }

    [Fact]
    public void Observe_BouncyPressThenHeld_CountsFromTheFirstStableEdge()
    {
        // 100-160 ms: contact bounce (flips every 10 ms); stable from 160 ms: the press dates from 160 -> fires at 3160.
        Assert.Equal([3160], Run(6000, t => t switch
        {
            < 100 => false,
            < 160 => t / PollMs % 2 == 0,
            _ => t < 5000,
        }));
    }

    [Fact]
    public void Observe_ReleaseGlitchShorterThanTheDebounce_DoesNotBreakThePress()
    {
        // Pressed 0-4000 ms with a 20 ms drop at 1500-1519: shorter than 30 ms, so the press runs on and fires at 3000.
        Assert.Equal([3000], Run(5000, t => t < 4000 && t is not (>= 1500 and < 1520)));
    }

    [Fact]
    public void IsPressed_Debounce_ConfirmsAfter30Ms()
    {
        var time = new FakeTimeProvider();
        var detector = new LongPressDetector(TimeSpan.FromMilliseconds(3000), time);
        var levels = new List<bool>();
        for (var t = 0; t <= 40; t += PollMs)
        {
            detector.Observe(t >= 0, time.GetTimestamp());
            levels.Add(detector.IsPressed);
            time.Advance(TimeSpan.FromMilliseconds(PollMs));
        }

        // Polls at 0, 10, 20, 30, 40 ms of a press that began at 0: confirmed at 30 ms (30 - 0 >= 30).
        Assert.Equal([false, false, false, true, true], levels);
    }

    [Fact]
    public void Construct_LongPressNotLongerThanTheDebounce_IsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new LongPressDetector(TimeSpan.FromMilliseconds(30), new FakeTimeProvider()));

    [Fact]
    public void Observe_TimestampGoesBack_IsRefused()
    {
        var time = new FakeTimeProvider();
        var detector = new LongPressDetector(TimeSpan.FromSeconds(3), time);
        detector.Observe(false, time.GetTimestamp());

        Assert.Throws<ArgumentOutOfRangeException>(() => detector.Observe(true, time.GetTimestamp() - 1));
    }

    private static List<int> Run(int totalMs, Func<int, bool> pressedAt)
    {
        var time = new FakeTimeProvider();
        var detector = new LongPressDetector(TimeSpan.FromMilliseconds(3000), time);
        var fired = new List<int>();
        for (var t = 0; t < totalMs; t += PollMs)
        {
            if (detector.Observe(pressedAt(t), time.GetTimestamp()))
            {
                fired.Add(t);
            }

            time.Advance(TimeSpan.FromMilliseconds(PollMs));
        }

        return fired;
    }

    private static bool InRanges(int t, int[] ranges)
    {
        for (var i = 0; i < ranges.Length; i += 2)
        {
            if (t >= ranges[i] && t < ranges[i + 1])
            {
                return true;
            }
        }

        return false;
    }
}
