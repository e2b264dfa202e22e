using EdgeAgent.Hardware.Sensors.Ambient;
using EdgeAgent.Hardware.Simulation;
using EdgeAgent.Hardware.Simulation.Chips;
using Microsoft.Extensions.Time.Testing;
using UnitsNet;

namespace EdgeAgent.Hardware.Tests.Sensors;

public sealed class Bme280Tests
{
    [Fact]
    public void TryRead_TheDatasheetCompensationExample_Gives25_08CAnd100653Pa()
    {
        // BST-BME280-DS002 section 8 (Bosch's sample): dig_T1..T3 = 27504, 26435, -1000, adc_T = 519888 -> 25.08 deg C;
        // dig_P1..P9 = 36477, -10685, 3024, 2855, 140, -7, 15500, -14600, 6000, adc_P = 415148 -> 100653 Pa.
        var sim = new SimulatedBme280 { AdcTemperature = 519888, AdcPressure = 415148 };
        using var sensor = Open(sim);

        Assert.True(sensor.TryRead(out var reading));

        Assert.Equal(25.08, Math.Round(reading.Temperature.DegreesCelsius, 2));
        Assert.Equal(100653, Math.Round(reading.Pressure.Pascals));
        Assert.Equal(1, sim.Measurements);
    }

    [Fact]
    public void TryRead_Humidity_MatchesTheDatasheetFormulaForTheTrimmingValues()
    {
        var sim = new SimulatedBme280 { AdcHumidity = 0x6000 };
        using var sensor = Open(sim);

        Assert.True(sensor.TryRead(out var reading));

        // Section 8.1's double formula by hand, with t_fine = 128422.29 from the temperature example and
        // dig_H1..H6 = 75, 362, 0, 324, 50, 30: (24576 - (324*64 + 50/16384*51622.29)) * (362/65536 * (1 + 30/2^26 * 51622.29))
        // = 3682.46 * 0.0056512 = 20.810, then * (1 - 75 * 20.810 / 524288) = 20.75 %.
        var fine = 128422.287;
        var h = fine - 76800.0;
        h = (24576 - ((324 * 64.0) + (50 / 16384.0 * h))) * (362 / 65536.0 * (1.0 + (30 / 67108864.0 * h)));
        h *= 1.0 - (75 * h / 524288.0);
        Assert.Equal(h, reading.Humidity!.Value.Percent, 0.01);
        Assert.Equal(20.75, reading.Humidity!.Value.Percent, 0.005);
    }

    [Theory]
    [InlineData(21.5, 98000.0, 40.0)]
    [InlineData(-10.0, 70000.0, 85.0)]
    [InlineData(40.0, 103000.0, 10.0)]
    public void TryRead_AWorldSetOnTheSimulator_ReadsItBackWithinResolution(double celsius, double pascals, double percent)
    {
        var sim = new SimulatedBme280();
        sim.SetConditions(Temperature.FromDegreesCelsius(celsius), Pressure.FromPascals(pascals), RelativeHumidity.FromPercent(percent));
        using var sensor = Open(sim);

        Assert.True(sensor.TryRead(out var reading));

        Assert.Equal(celsius, reading.Temperature.DegreesCelsius, 0.01);
        Assert.Equal(pascals, reading.Pressure.Pascals, 0.2); // one adc_P LSB is about 0.18 Pa
        Assert.Equal(percent, reading.Humidity!.Value.Percent, 0.05);
    }

    [Fact]
    public void TryRead_EachCall_MakesAFreshForcedMeasurement()
    {
        var sim = new SimulatedBme280();
        using var sensor = Open(sim);
        sim.SetConditions(Temperature.FromDegreesCelsius(20), Pressure.FromPascals(100000), RelativeHumidity.FromPercent(50));
        Assert.True(sensor.TryRead(out var first));

        sim.SetConditions(Temperature.FromDegreesCelsius(31), Pressure.FromPascals(95000), RelativeHumidity.FromPercent(30));
        Assert.True(sensor.TryRead(out var second));

        Assert.Equal(20, first.Temperature.DegreesCelsius, 0.01);
        Assert.Equal(31, second.Temperature.DegreesCelsius, 0.01);
        Assert.Equal(2, sim.Measurements);
    }

    [Fact]
    public void TryRead_AMeasurementThatDoesNotFinish_IsFalseAndNotTheLastValue()
    {
        var sim = new SimulatedBme280();
        using var sensor = Open(sim);
        Assert.True(sensor.TryRead(out _));

        sim.Stalled = true;

        Assert.False(sensor.TryRead(out var reading));
        Assert.Equal(default, reading);
    }

    [Fact]
    public void TryRead_TheNoValueMarker0x80000_IsFalse()
    {
        // The chip's data registers hold 0x80000 before the first measurement and for a skipped one (section 4.2.3).
        var sim = new SimulatedBme280 { AdcTemperature = 0x80000 };
        using var sensor = Open(sim);

        Assert.False(sensor.TryRead(out var reading));
        Assert.Equal(default, reading);
    }

    private static Bme280Sensor Open(SimulatedBme280 sim)
    {
        var bus = new SimulatedI2cBus();
        bus.Attach(sim);
        return new Bme280Sensor(bus.CreateDevice(0x76), "climate", new FakeTimeProvider());
    }
}
