using EdgeAgent.Firmware.Hardware;
using EdgeAgent.Firmware.Link;
using EdgeAgent.Firmware.Tests.Support;

namespace EdgeAgent.Firmware.Tests.Logic;

/// <summary>The whole firmware on fake hardware, talking to a real link endpoint as the board.</summary>
public sealed class FirmwareScenarioTests
{
    private const long Hour = 3_600_000;

    [Fact]
    public void Awake_OneSecond_SendsTenImuReadingsAndABatteryReading()
    {
        var rig = new CompanionRig();
        rig.Hardware.Imu = new ImuSample(12, -8, 1002, 5, -3, 0);

        rig.RunFor(1000);

        var imu = rig.Received<ImuReading>().ToList();
        Assert.Equal(10, imu.Count);
        Assert.All(imu, r => Assert.Equal((short)1002, r.AccelZ));
        Assert.Equal([0u, 100u, 200u, 300u, 400u, 500u, 600u, 700u, 800u, 900u], imu.Select(r => r.UptimeMilliseconds));
        var battery = Assert.Single(rig.Received<BatteryReading>());
        Assert.Equal((ushort)3950, battery.Millivolts);
        Assert.Equal((byte)80, battery.StateOfChargePercent);
    }

    [Fact]
    public void ButtonPress_IsDeliveredOnceAndAcknowledged()
    {
        var rig = new CompanionRig();
        rig.RunFor(100);

        rig.Hardware.Pressed[0] = true;
        rig.RunFor(300);
        rig.Hardware.Pressed[0] = false;
        rig.RunFor(300);

        var press = Assert.Single(rig.Received<ButtonEvent>());
        Assert.Equal(ButtonAction.Press, press.Action);
        Assert.Equal((ushort)300, press.HeldMilliseconds);
        Assert.Equal(0, rig.Firmware.Link.Endpoint.PendingCount);
        Assert.Equal(1, rig.Firmware.Link.Endpoint.Statistics.Acknowledged);
    }

    [Fact]
    public void ButtonPress_BoardsAcknowledgementLost_IsResentAndDeliveredOnce()
    {
        var rig = new CompanionRig();
        var acksLost = 0;
        rig.LoseToCompanion = _ => acksLost++ < 2; // the board's first two acknowledgements never arrive

        rig.Hardware.Pressed[1] = true;
        rig.RunFor(100);
        rig.Hardware.Pressed[1] = false;
        rig.RunFor(2000);

        Assert.Single(rig.Received<ButtonEvent>());
        Assert.Equal(2, rig.Firmware.Link.Endpoint.Statistics.Resent);
        Assert.Equal(2, rig.Board.Statistics.Duplicates);
        Assert.Equal(0, rig.Firmware.Link.Endpoint.PendingCount);
        Assert.Equal(0, rig.Firmware.Link.Undelivered);
    }

    [Fact]
    public void BoardSleepsAnHour_FirstCountersAfterWakingCarryTheHoursStandbySeconds()
    {
        var rig = new CompanionRig();
        rig.RunFor(61_000); // one report at 60 s, awake
        var beforeSleep = rig.Received<CountersReport>().Last();
        Assert.Equal(60u, beforeSleep.OperatingSeconds);
        Assert.Equal(0u, beforeSleep.StandbySeconds);

        rig.BoardSends(new PowerCommand(PowerAction.BoardSleeping, 0));
        rig.RunFor(100);
        rig.BoardListening = false;
        rig.RunFor(Hour);
        Assert.DoesNotContain(rig.BoardReceived, r => r.At > 61_100 + 50); // nothing sent while it slept

        rig.BoardListening = true;
        rig.BoardSends(new PowerCommand(PowerAction.BoardAwake, 0));
        rig.RunFor(200);

        var afterWake = rig.Received<CountersReport>().Last();
        Assert.InRange(afterWake.StandbySeconds, 3600u, 3601u);
        Assert.InRange(afterWake.OperatingSeconds, 61u, 62u);
        Assert.Equal(afterWake.WakeSeconds, afterWake.OperatingSeconds + afterWake.StandbySeconds, tolerance: 1);
        Assert.Equal((ushort)1, afterWake.BoardWakes);
        Assert.True(rig.Received<ImuReading>().Any(r => r.UptimeMilliseconds > Hour), "readings resume after waking");
    }

    [Fact]
    public void BoardAwake_WithoutHavingSlept_IsAnsweredWithACountersBaseline()
    {
        var rig = new CompanionRig();
        rig.RunFor(5_000);
        Assert.Empty(rig.Received<CountersReport>());

        rig.BoardSends(new PowerCommand(PowerAction.BoardAwake, 0)); // the agent starting
        rig.RunFor(100);

        var baseline = Assert.Single(rig.Received<CountersReport>());
        Assert.Equal(5u, baseline.OperatingSeconds);
        Assert.Equal((ushort)0, baseline.BoardWakes);
    }

    [Fact]
    public void ButtonWhileBoardSleeps_WakesTheBoardAndTheEventArrivesAfterItWakes()
    {
        var rig = new CompanionRig();
        rig.BoardSends(new PowerCommand(PowerAction.BoardSleeping, 0));
        rig.RunFor(100);
        rig.BoardListening = false;
        rig.RunFor(10_000);

        rig.Hardware.Pressed[0] = true;
        rig.RunFor(200);
        rig.Hardware.Pressed[0] = false;
        rig.RunFor(5_000); // the board takes its time to boot
        Assert.Equal(1, rig.Hardware.WakePulses);
        Assert.Equal(1, rig.Firmware.Link.HeldCount);

        rig.BoardListening = true;
        rig.BoardSends(new PowerCommand(PowerAction.BoardAwake, 0));
        rig.RunFor(500);

        var press = Assert.Single(rig.Received<ButtonEvent>());
        Assert.Equal((ushort)200, press.HeldMilliseconds);
        Assert.Equal(0, rig.Firmware.Link.HeldCount);
        Assert.Single(rig.Received<CountersReport>(), c => c.StandbySeconds >= 15);
    }

    [Fact]
    public void WakeTimer_WakesTheBoardWhenItRunsOut()
    {
        var rig = new CompanionRig();
        rig.BoardSends(new PowerCommand(PowerAction.BoardSleeping, 60));
        rig.RunFor(100);
        var sleptAt = rig.BoardReceived.Count; // the acknowledgement went; from here on the board is deaf
        rig.BoardListening = false;

        rig.RunFor(59_000);
        Assert.Equal(0, rig.Hardware.WakePulses);
        rig.RunFor(2_000);

        Assert.Equal(1, rig.Hardware.WakePulses);
        Assert.InRange(rig.Hardware.WakePulsedAt[0], 60_000, 60_020);
        Assert.Equal(sleptAt, rig.BoardReceived.Count);
    }

    [Fact]
    public void MotionWhileBoardSleeps_WakesTheBoard()
    {
        var rig = new CompanionRig();
        rig.BoardSends(new PowerCommand(PowerAction.BoardSleeping, 0));
        rig.RunFor(100);
        rig.BoardListening = false;
        rig.RunFor(10_000);
        Assert.Equal(0, rig.Hardware.WakePulses); // lying still at 1 g

        rig.Hardware.Imu = new ImuSample(900, 0, 1000, 0, 0, 0); // picked up: 1.35 g
        rig.RunFor(1_000);

        Assert.Equal(1, rig.Hardware.WakePulses);
    }

    [Fact]
    public void HapticsAndLedCommands_FromTheBoard_DriveTheMotorAndLedAndAreAcknowledged()
    {
        var rig = new CompanionRig();
        rig.BoardSends(new HapticsCommand(HapticPattern.Tick, 150, 1));
        rig.BoardSends(new LedCommand(0, LedMode.Solid, 255, 128, 0));
        rig.RunFor(200);

        Assert.Contains(rig.Hardware.Motor, m => m.Intensity == 150);
        Assert.Equal(0, rig.Hardware.Motor[^1].Intensity);
        Assert.Equal(0xFF8000, rig.Hardware.Led[^1].Rgb);
        Assert.Equal(0, rig.Board.PendingCount);
        Assert.Equal(2, rig.Board.Statistics.Acknowledged);
    }

    [Fact]
    public void TimeSync_FromTheBoard_GivesTheCompanionWallClockTime()
    {
        var rig = new CompanionRig();
        rig.RunFor(5_000);
        rig.BoardSends(new TimeSync(1_796_198_400_000));
        rig.RunFor(1_000);

        Assert.True(rig.Firmware.Clock.TryGetUnixMilliseconds(rig.Now, out var unix));
        Assert.InRange(unix, 1_796_198_400_000 + 990, 1_796_198_400_000 + 1_000);
    }

    [Fact]
    public void ImuThatThrows_IsCountedAndEverythingElseKeepsRunning()
    {
        var rig = new CompanionRig();
        rig.Hardware.ImuFault = new IOException("I2C NACK");

        rig.RunFor(1_000);

        Assert.Equal(10, rig.Firmware.Host.Faults);
        Assert.Equal("ImuSampler", rig.Firmware.Host.LastFault);
        Assert.Single(rig.Received<BatteryReading>());
    }

    [Fact]
    public void ImuNotReady_SendsNothingStale()
    {
        var rig = new CompanionRig();
        rig.Hardware.Imu = null;

        rig.RunFor(1_000);

        Assert.Empty(rig.Received<ImuReading>());
        Assert.Equal(10, rig.Firmware.Imu.Missed);
    }

    [Fact]
    public void HeldEvents_MoreThanCapacityWhileAsleep_KeepTheNewest()
    {
        var rig = new CompanionRig();
        rig.BoardSends(new PowerCommand(PowerAction.BoardSleeping, 0));
        rig.RunFor(100);
        rig.BoardListening = false;
        for (var i = 0; i < 20; i++)
        {
            rig.Hardware.Pressed[1] = true;
            rig.RunFor(100);
            rig.Hardware.Pressed[1] = false;
            rig.RunFor(100);
        }

        rig.BoardListening = true;
        rig.BoardSends(new PowerCommand(PowerAction.BoardAwake, 0));
        rig.RunFor(3_000);

        var presses = rig.Received<ButtonEvent>().ToList();
        Assert.Equal(16, presses.Count);
        Assert.Equal(4, rig.Firmware.Link.HeldDropped);
        Assert.Equal(presses.OrderBy(p => p.UptimeMilliseconds).Select(p => p.UptimeMilliseconds), presses.Select(p => p.UptimeMilliseconds));
    }
}
