using EdgeAgent.Contracts.Records;
using EdgeAgent.Core.Faults;
using Microsoft.Extensions.Time.Testing;

namespace EdgeAgent.Core.Tests.Faults;

public sealed class FaultMonitorTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 2, 8, 0, 0, TimeSpan.Zero));

    // The contract's examples.
    private static ThresholdFault Hot(double forSeconds = 0) => ThresholdFault.Above("temperature.high", FaultSubsystem.Thermal, "env.temperature_c",
        raiseAbove: 60, clearBelow: 55, holdFor: TimeSpan.FromSeconds(forSeconds), severity: FaultSeverity.Warning, relevant: true);

    private static ThresholdFault BatteryLow() => ThresholdFault.Below("battery.low", FaultSubsystem.Power, "battery.battery_pct",
        raiseBelow: 10, clearAbove: 15, severity: FaultSeverity.Warning, relevant: false);

    [Theory]
    // One sample a second; per sample R = raised, C = cleared, . = nothing.
    [InlineData(new double[] { 50, 61, 62, 58, 56, 54, 61 }, ".R...CR")]
    [InlineData(new double[] { 60, 60.0001, 55, 54.9999 }, ".R.C")]                 // exactly 60 is not above; exactly 55 is not below
    [InlineData(new double[] { 61, 59, 61, 57, 61, 56 }, "R.....")]                 // between the thresholds it stays raised: no repeat
    [InlineData(new double[] { 40, 30, 54, 20 }, "....")]                           // never raised: no clear is ever reported
    [InlineData(new double[] { 61, 50, 61, 50 }, "RCRC")]
    public void Observe_RaiseAboveClearBelow_Hysteresis(double[] celsius, string expected) =>
        Assert.Equal(expected, Marks(Hot(), "env.temperature_c", celsius));

    [Theory]
    [InlineData(new double[] { 20, 9, 8, 12, 15, 16, 9 }, ".R...CR")]               // 15 is not above 15; 16 is
    [InlineData(new double[] { 10, 9.99 }, ".R")]                                  // exactly 10 is not below
    [InlineData(new double[] { 50, 40, 16 }, "...")]
    public void Observe_RaiseBelowClearAbove_Hysteresis(double[] percent, string expected) =>
        Assert.Equal(expected, Marks(BatteryLow(), "battery.battery_pct", percent));

    [Theory]
    // for_s 10, one sample a second: raised at the first sample 10 s after the run of hot samples began.
    [InlineData(new double[] { 61, 61, 61, 61, 61, 61, 61, 61, 61, 61, 61, 61 }, "..........R.")]  // run from 0 s: raised at 10 s
    [InlineData(new double[] { 61, 61, 61, 61, 61, 59, 61, 61, 61, 61, 61, 61, 61, 61, 61, 61, 61 }, "................R")] // 59 at 5 s breaks it: new run from 6 s, raised at 16 s
    [InlineData(new double[] { 61, 61, 61, 61, 61, 61, 61, 61, 61, 61 }, "..........")]          // 0..9 s: only 9 s held
    public void Observe_ForSeconds_TheRaiseConditionMustHoldOnEverySampleThatLong(double[] celsius, string expected) =>
        Assert.Equal(expected, Marks(Hot(forSeconds: 10), "env.temperature_c", celsius));

    [Fact]
    public void Observe_TwoRulesOnOneSignal_EachKeepsItsOwnState()
    {
        var critical = ThresholdFault.Above("temperature.critical", FaultSubsystem.Thermal, "env.temperature_c", 70, 65, severity: FaultSeverity.Critical);
        var monitor = new FaultMonitor([Hot(), critical], _time);

        var at62 = monitor.Observe("env.temperature_c", 62, _time.GetTimestamp());
        var at71 = monitor.Observe("env.temperature_c", 71, _time.GetTimestamp());
        var at50 = monitor.Observe("env.temperature_c", 50, _time.GetTimestamp());

        Assert.Equal(["temperature.high"], at62.Select(c => c.Code));
        Assert.Equal(["temperature.critical"], at71.Select(c => c.Code));
        Assert.Equal([("temperature.high", FaultChange.Cleared), ("temperature.critical", FaultChange.Cleared)], at50.Select(c => (c.Code, c.Change)));
        Assert.Empty(monitor.Observe("imu.motion_g", 3, _time.GetTimestamp())); // a signal no rule watches
    }

    [Fact]
    public void Observe_RaiseAndClear_CarryTheRecordFields()
    {
        var monitor = new FaultMonitor([Hot(forSeconds: 10)], _time);
        for (var t = 0; t < 10; t++)
        {
            monitor.Observe("env.temperature_c", 61.5, _time.GetTimestamp());
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        var raised = Assert.Single(monitor.Observe("env.temperature_c", 61.5, _time.GetTimestamp()));
        var cleared = Assert.Single(monitor.Observe("env.temperature_c", 54.2, _time.GetTimestamp()));

        Assert.Equal(RecordTypes.FaultRaised, raised.RecordType);
        Assert.Equal("""{"code":"temperature.high","subsystem":"thermal","severity":"warning","relevant":true,"detail":"env.temperature_c 61.5 above 60 for 10 s","sensor":"env","signal":"env.temperature_c","value":61.5,"threshold":60}""",
            raised.ToJson().GetRawText());
        Assert.Equal(RecordTypes.FaultCleared, cleared.RecordType);
        Assert.Equal("""{"code":"temperature.high","subsystem":"thermal","severity":"warning","relevant":true,"detail":"env.temperature_c 54.2 below 55","sensor":"env","signal":"env.temperature_c","value":54.2,"threshold":55}""",
            cleared.ToJson().GetRawText());
    }

    [Fact]
    public void ReadFailed_ThreeInARow_RaisesBusErrorOnceAndASuccessClearsIt()
    {
        var monitor = new FaultMonitor([], _time);
        var nack = new IOException("Error 121 performing I2C data transfer");

        var marks = string.Concat(
            Mark(monitor.ReadFailed("imu", nack)),   // 1
            Mark(monitor.ReadFailed("imu", nack)),   // 2
            Mark(monitor.ReadFailed("imu", nack)),   // 3: raised
            Mark(monitor.ReadFailed("imu", nack)),   // 4: still raised, no repeat
            Mark(monitor.ReadSucceeded("imu")),      // cleared
            Mark(monitor.ReadSucceeded("imu")));     // nothing raised: no clear

        Assert.Equal("..R.C.", marks);
    }

    [Fact]
    public void ReadFailed_ASuccessInBetween_StartsTheCountAgain()
    {
        var monitor = new FaultMonitor([], _time);
        var nack = new IOException("NACK");

        var marks = string.Concat(
            Mark(monitor.ReadFailed("env", nack)), Mark(monitor.ReadFailed("env", nack)), Mark(monitor.ReadSucceeded("env")),
            Mark(monitor.ReadFailed("env", nack)), Mark(monitor.ReadFailed("env", nack)), Mark(monitor.ReadFailed("env", nack)));

        Assert.Equal(".....R", marks);
    }

    [Fact]
    public void ReadFailed_BusError_CarriesTheSensorAndTheLastError()
    {
        var monitor = new FaultMonitor([], _time);
        monitor.ReadFailed("imu", new IOException("first"));
        monitor.ReadFailed("imu", new IOException("second"));

        var raised = Assert.Single(monitor.ReadFailed("imu", new IOException("Error 121 performing I2C data transfer")));

        Assert.Equal("""{"code":"sensor.bus_error","subsystem":"sensor","severity":"error","relevant":true,"detail":"imu: 3 reads in a row failed; last: IOException: Error 121 performing I2C data transfer","sensor":"imu"}""",
            raised.ToJson().GetRawText());
    }

    [Fact]
    public void ReadFailed_PerSensor_CountsApart()
    {
        var monitor = new FaultMonitor([], _time, busErrorAfter: 2);
        var nack = new IOException("NACK");

        Assert.Empty(monitor.ReadFailed("imu", nack));
        Assert.Empty(monitor.ReadFailed("env", nack));
        Assert.Equal([("sensor.bus_error", "imu")], monitor.ReadFailed("imu", nack).Select(c => (c.Code, c.Sensor)));
        Assert.Empty(monitor.ReadSucceeded("env"));
    }

    [Fact]
    public void SensorMissing_RaisedOnceUntilTheSensorOpens()
    {
        var monitor = new FaultMonitor([], _time);

        var first = monitor.SensorMissing("env", "no device answers at 0x76 on /dev/i2c-1");
        var retry = monitor.SensorMissing("env", "no device answers at 0x76 on /dev/i2c-1");
        var opened = monitor.SensorOpened("env");
        var openedAgain = monitor.SensorOpened("env");

        Assert.Equal("""{"code":"sensor.missing","subsystem":"sensor","severity":"error","relevant":true,"detail":"env: no device answers at 0x76 on /dev/i2c-1","sensor":"env"}""",
            Assert.Single(first).ToJson().GetRawText());
        Assert.Empty(retry);
        Assert.Equal([("sensor.missing", FaultChange.Cleared, "env")], opened.Select(c => (c.Code, c.Change, c.Sensor)));
        Assert.Empty(openedAgain); // a clear without a raise is never reported
    }

    [Fact]
    public void SensorMissing_WrongChip_RaisesSensorIdentityWhichOpeningClears()
    {
        var monitor = new FaultMonitor([], _time);

        var wrong = Assert.Single(monitor.SensorMissing("imu", "WHO_AM_I reads 0x70, an MPU-6050 reads 0x68", SensorOpenFailure.WrongIdentity));
        var active = monitor.Active();
        var opened = Assert.Single(monitor.SensorOpened("imu"));

        Assert.Equal(("sensor.identity", FaultChange.Raised), (wrong.Code, wrong.Change));
        Assert.Equal([new ActiveFault("sensor.identity", "imu", FaultSubsystem.Sensor, FaultSeverity.Error, true)], active);
        Assert.Equal(("sensor.identity", FaultChange.Cleared), (opened.Code, opened.Change));
        Assert.Empty(monitor.Active());
    }

    [Fact]
    public void Active_ListsRaisedFaultsAndAnyActiveFiltersBySeverity()
    {
        var monitor = new FaultMonitor([Hot(), BatteryLow()], _time);
        monitor.Observe("battery.battery_pct", 8, _time.GetTimestamp());

        Assert.Equal([new ActiveFault("battery.low", "battery", FaultSubsystem.Power, FaultSeverity.Warning, false)], monitor.Active());
        Assert.True(monitor.AnyActive(FaultSeverity.Warning));
        Assert.False(monitor.AnyActive(FaultSeverity.Error));
    }

    public static TheoryData<string, Func<object>> Bad => new()
    {
        { "clear_below (60) must be less than raise_above (60)", () => ThresholdFault.Above("temperature.high", FaultSubsystem.Thermal, "env.temperature_c", 60, 60) },
        { "clear_above (5) must be more than raise_below (10)", () => ThresholdFault.Below("battery.low", FaultSubsystem.Power, "battery.battery_pct", 10, 5) },
        { "must match ^[a-z][a-z0-9_.-]{0,63}$", () => ThresholdFault.Above("Temperature", FaultSubsystem.Thermal, "env.temperature_c", 60, 55) },
        { "for_s must be 0 or more", () => ThresholdFault.Above("temperature.high", FaultSubsystem.Thermal, "env.temperature_c", 60, 55, TimeSpan.FromSeconds(-1)) },
        { "thresholds must be finite", () => ThresholdFault.Above("temperature.high", FaultSubsystem.Thermal, "env.temperature_c", double.PositiveInfinity, 55) },
        { "severity must be one of", () => ThresholdFault.Above("temperature.high", FaultSubsystem.Thermal, "env.temperature_c", 60, 55, severity: (FaultSeverity)8) },
        { "used twice", () => new FaultMonitor([Hot(), Hot()], TimeProvider.System) },
        { "built-in sensor fault", () => new FaultMonitor([ThresholdFault.Above("sensor.missing", FaultSubsystem.Sensor, "env.temperature_c", 60, 55)], TimeProvider.System) },
    };

    [Theory]
    [MemberData(nameof(Bad))]
    public void Construct_WhatTheContractForbids_IsRefusedWithTheField(string message, Func<object> build) =>
        Assert.Contains(message, Assert.ThrowsAny<ArgumentException>(build).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("info", FaultSeverity.Info)]
    [InlineData("warning", FaultSeverity.Warning)]
    [InlineData("error", FaultSeverity.Error)]
    [InlineData("critical", FaultSeverity.Critical)]
    public void ParseSeverity_ContractWords_RoundTrip(string text, FaultSeverity severity)
    {
        Assert.Equal(severity, FaultTerms.ParseSeverity(text));
        Assert.Equal(text, FaultTerms.Name(severity));
    }

    [Fact]
    public void ParseSubsystem_EveryContractWord_RoundTrips()
    {
        var words = FaultTerms.Subsystems.Split(", ");

        Assert.Equal(Enum.GetValues<FaultSubsystem>().Length, words.Length);
        Assert.All(words, w => Assert.Equal(w, FaultTerms.Name(FaultTerms.ParseSubsystem(w))));
        Assert.StartsWith("subsystem 'motor' is not one of sensor, power", Assert.Throws<ArgumentException>(() => FaultTerms.ParseSubsystem("motor")).Message, StringComparison.Ordinal);
    }

    /// <summary>Feeds one sample a second and marks each: R raised, C cleared, . nothing.</summary>
    private string Marks(ThresholdFault rule, string signal, double[] values)
    {
        var monitor = new FaultMonitor([rule], _time);
        var marks = new List<char>();
        foreach (var value in values)
        {
            marks.AddRange(Mark(monitor.Observe(signal, value, _time.GetTimestamp())));
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        return new string([.. marks]);
    }

    private static string Mark(IReadOnlyList<FaultTransition> changes) => changes.Count switch
    {
        0 => ".",
        1 => changes[0].Change == FaultChange.Raised ? "R" : "C",
        _ => throw new InvalidOperationException($"{changes.Count} transitions from one call"),
    };
}
