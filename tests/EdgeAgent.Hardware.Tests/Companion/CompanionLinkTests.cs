using EdgeAgent.Hardware.Companion;
using UnitsNet;

namespace EdgeAgent.Hardware.Tests.Companion;

/// <summary>The agent's CompanionLink against the real firmware (SimulatedCompanion) over OS pipes and over a real
/// pseudo-terminal, stepped in lock-step on fake clocks (CompanionBench).</summary>
public sealed class CompanionLinkTests
{
    [Fact]
    public async Task Readings_FromTheCompanion_ArriveAsSources()
    {
        await using var bench = CompanionBench.OverPipes();
        bench.Companion.SetMotion(12, -8, 1002, 5, -3, 0);
        bench.Companion.SetBattery(3987, 87);

        await bench.RunAsync(TimeSpan.FromSeconds(1));

        Assert.True(bench.Link.Imu.TryRead(out var motion));
        Assert.Equal(1.002, motion.Z.StandardGravity, 3);
        Assert.Equal(0.5, motion.RotationX.DegreesPerSecond, 3);
        Assert.True(bench.Link.Battery.TryRead(out var battery));
        Assert.Equal(3987, battery.CellVoltage.Millivolts, 3);
        Assert.Equal(87, battery.StateOfCharge.Percent, 3);
        Assert.Equal(0, bench.Link.Statistics.FramesDropped);
    }

    [Fact]
    public async Task Readings_CompanionGoesQuiet_ImuReadsFalseAfterItsStalenessLimit()
    {
        await using var bench = CompanionBench.OverPipes();
        await bench.RunAsync(TimeSpan.FromMilliseconds(500));
        Assert.True(bench.Link.Imu.TryRead(out _));

        bench.BoardTime.Advance(CompanionLink.ImuStaleAfter + TimeSpan.FromMilliseconds(1));

        Assert.False(bench.Link.Imu.TryRead(out var stale));
        Assert.Equal(default, stale);
    }

    [Fact]
    public async Task Button_PressedOnTheCompanion_ArrivesAsAnEvent()
    {
        await using var bench = CompanionBench.OverPipes();
        bench.Companion.SetButton(0, true);
        await bench.RunAsync(TimeSpan.FromMilliseconds(300));
        bench.Companion.SetButton(0, false);
        await bench.RunAsync(TimeSpan.FromMilliseconds(200));

        Assert.True(bench.Link.ButtonEvents.TryRead(out var press));
        Assert.Equal(0, press.Button);
        Assert.False(press.LongPress);
        Assert.Equal(TimeSpan.FromMilliseconds(300), press.Held);
    }

    [Fact]
    public async Task Command_AcknowledgementLost_IsResentAndPlayedOnce()
    {
        await using var bench = CompanionBench.OverPipes();
        await bench.RunAsync(TimeSpan.FromMilliseconds(100)); // the link's BoardAwake at start, acknowledged
        var acks = 0;
        bench.Companion.LoseToBoard = frame => frame.Length > 3 && frame[3] == 0x7F && acks++ == 0; // the first ack

        Assert.True(bench.Link.Haptics(CompanionHaptic.Sustained, 180));
        await bench.RunAsync(TimeSpan.FromMilliseconds(100));
        Assert.Equal(180, bench.Companion.MotorIntensity);
        Assert.Equal(1, bench.Link.Pending);

        await bench.RunAsync(TimeSpan.FromMilliseconds(300));

        var stats = bench.Link.Statistics;
        Assert.Equal(1, stats.Resent);
        Assert.Equal(2, stats.Acknowledged); // the BoardAwake at start, and this
        Assert.Equal(0, bench.Link.Pending);
        Assert.Equal(1, bench.Companion.LostToBoard);
        await bench.RunAsync(TimeSpan.FromMilliseconds(200));
        Assert.Equal(0, bench.Companion.MotorIntensity); // the 400 ms pattern ran once, not restarted by the resend
    }

    [Fact]
    public async Task BoardSleptAnHour_GetsTheHoursStandbySecondsAsIdleUsage()
    {
        await using var bench = CompanionBench.OverPipes();
        await bench.RunAsync(TimeSpan.FromSeconds(2)); // the first counters report (on nothing: 60 s) is not needed
        Assert.True(bench.Link.Sleeping());
        await bench.RunAsync(TimeSpan.FromMilliseconds(100));
        Assert.False(bench.Companion.BoardAwake);
        _ = bench.Usage.TakeSummary();

        bench.BoardSuspended = true;
        for (var second = 0; second < 3600; second++)
        {
            bench.Companion.Step();
            bench.CompanionTime.Advance(TimeSpan.FromSeconds(1));
        }

        bench.BoardSuspended = false;
        Assert.True(bench.Link.Awake());
        await bench.RunAsync(TimeSpan.FromMilliseconds(300));

        var summary = bench.Usage.TakeSummary();
        Assert.InRange(bench.Link.Statistics.StandbySecondsCredited, 3600, 3601);
        Assert.InRange(summary.IdleS, 3600, 3601);
        Assert.InRange(summary.OperateS, 0.2, 0.5); // the board's own clock: only the 300 ms since it woke
        Assert.Equal(summary.PeriodS, summary.IdleS + summary.OperateS, 3);
    }

    [Fact]
    public async Task SleepingAsync_CompanionAcknowledges_IsTrueOnceTheCompanionTookTheSleep()
    {
        await using var bench = CompanionBench.OverPipes();
        await bench.RunAsync(TimeSpan.FromMilliseconds(100));

        var sleeping = bench.Link.SleepingAsync(null, TimeSpan.FromSeconds(10));
        await bench.RunAsync(TimeSpan.FromMilliseconds(100));

        Assert.True(await sleeping);
        Assert.False(bench.Companion.BoardAwake);
    }

    [Fact]
    public async Task SleepingAsync_EveryAcknowledgementLost_IsFalseOnceTheLinkGaveUp()
    {
        await using var bench = CompanionBench.OverPipes();
        await bench.RunAsync(TimeSpan.FromMilliseconds(100));
        bench.Companion.LoseToBoard = frame => frame.Length > 3 && frame[3] == 0x7F; // every ack

        var sleeping = bench.Link.SleepingAsync(null, TimeSpan.FromSeconds(10));
        await bench.RunAsync(TimeSpan.FromSeconds(2));

        Assert.False(await sleeping);
        Assert.Equal(1, bench.Link.Statistics.GaveUp);
        Assert.False(bench.Companion.BoardAwake); // it took the sleep; the board never heard that it did
    }

    [Fact]
    public async Task SleepingAsync_CompanionSilent_IsFalseAfterTheBound()
    {
        await using var bench = CompanionBench.OverPipes(); // never stepped: the companion reads nothing

        Assert.False(await bench.Link.SleepingAsync(null, TimeSpan.FromMilliseconds(200)));
        Assert.Equal(2, bench.Link.Pending); // the BoardAwake at start, and the BoardSleeping
    }

    [SkippableFact]
    public async Task Readings_OverARealPseudoTerminal_ArriveThroughTheSerialPort()
    {
        var bench = CompanionBench.OverPseudoTerminal();
        Skip.If(bench is null, "openpty failed: this machine has no pseudo-terminals (/dev/pts), so the UART path cannot be exercised");
        await using (bench)
        {
            bench.Companion.SetMotion(0, 0, 1000);
            bench.Companion.SetButton(1, true);
            await bench.RunAsync(TimeSpan.FromMilliseconds(2000));
            Assert.True(bench.Link.Led(0, CompanionLedMode.Solid, 0, 255, 0));
            await bench.RunAsync(TimeSpan.FromMilliseconds(200));

            Assert.True(bench.Link.Imu.TryRead(out var motion));
            Assert.Equal(Acceleration.FromStandardGravity(1).StandardGravity, motion.Z.StandardGravity, 3);
            Assert.True(bench.Link.ButtonEvents.TryRead(out var longPress));
            Assert.True(longPress.LongPress);
            Assert.Equal(0x00FF00, bench.Companion.LedColour);
            Assert.Equal(0, bench.Link.Pending);
            Assert.Equal(0, bench.Link.Statistics.FramesDropped);
        }
    }
}
