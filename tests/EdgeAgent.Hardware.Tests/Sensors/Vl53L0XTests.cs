using EdgeAgent.Hardware.Sensors.Distance;
using EdgeAgent.Hardware.Simulation;
using EdgeAgent.Hardware.Simulation.Chips;
using Microsoft.Extensions.Time.Testing;
using UnitsNet;

namespace EdgeAgent.Hardware.Tests.Sensors;

public sealed class Vl53L0XTests
{
    [Theory]
    [InlineData(50)]
    [InlineData(500)]
    [InlineData(1999)]
    public void TryRead_ATargetInRange_IsItsDistance(int millimeters)
    {
        var sim = new SimulatedVl53L0X { Distance = Length.FromMillimeters(millimeters) };
        using var ranger = Open(sim);

        Assert.True(ranger.TryRead(out var reading));

        Assert.Equal(millimeters, reading.Distance.Millimeters);
    }

    [Fact]
    public void TryRead_EachCall_IsANewMeasurement()
    {
        var sim = new SimulatedVl53L0X { Distance = Length.FromMillimeters(300) };
        using var ranger = Open(sim);
        Assert.True(ranger.TryRead(out var first));
        var measurements = sim.Measurements;

        sim.Distance = Length.FromMillimeters(420);
        Assert.True(ranger.TryRead(out var second));

        Assert.Equal((300, 420), (first.Distance.Millimeters, second.Distance.Millimeters));
        Assert.Equal(measurements + 1, sim.Measurements);
    }

    [Fact]
    public void TryRead_NoTarget_IsFalseNot8190()
    {
        var sim = new SimulatedVl53L0X { Distance = Length.FromMeters(3) };
        using var ranger = Open(sim);

        Assert.False(ranger.TryRead(out var reading));
        Assert.Equal(default, reading);
    }

    [Theory]
    [InlineData(4)] // signal fail
    [InlineData(5)] // sigma fail
    [InlineData(8)] // min range fail
    [InlineData(1)] // VCSEL continuity / hardware fail
    public void TryRead_ARangeStatusOtherThanValid_IsFalse(int status)
    {
        var sim = new SimulatedVl53L0X { Distance = Length.FromMillimeters(500), RangeStatus = status };
        using var ranger = Open(sim);

        Assert.False(ranger.TryRead(out _));
    }

    [Fact]
    public void TryRead_AMeasurementThatDoesNotComplete_IsFalse()
    {
        var sim = new SimulatedVl53L0X();
        using var ranger = Open(sim);
        Assert.True(ranger.TryRead(out _));

        sim.Stalled = true;

        Assert.False(ranger.TryRead(out var reading));
        Assert.Equal(default, reading);
    }

    private static Vl53L0XRanger Open(SimulatedVl53L0X sim)
    {
        var bus = new SimulatedI2cBus();
        bus.Attach(sim);
        return new Vl53L0XRanger(bus.CreateDevice(0x29), "range", new FakeTimeProvider());
    }
}
