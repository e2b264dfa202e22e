using EdgeAgent.Hardware.Sensors.PowerMonitoring;
using EdgeAgent.Hardware.Simulation;
using EdgeAgent.Hardware.Simulation.Chips;
using UnitsNet;

namespace EdgeAgent.Hardware.Tests.Sensors;

public sealed class Ina219Tests
{
    [Fact]
    public void TryRead_TheDatasheetExample_Gives10AAt11_98VAnd119_8W()
    {
        // SBOS448G section 8.5.1, configure/measure/calculate example: load 10 A, R_shunt = 2 mohm, shunt register 2000
        // (20 mV), bus 2995 (11.98 V), Current_LSB 1 mA -> calibration 20480 (0x5000), current 10000 (10.0 A), power 5990 (119.8 W).
        // Current_LSB = max expected current / 2^15, so a 1 mA LSB is a max current of 32.768 A.
        var sim = new SimulatedIna219
        {
            Shunt = ElectricResistance.FromMilliohms(2),
            Current = ElectricCurrent.FromAmperes(10),
            BusVoltage = ElectricPotential.FromVolts(11.98),
        };
        using var monitor = Open(sim, ElectricResistance.FromMilliohms(2), ElectricCurrent.FromAmperes(32.768));

        Assert.True(monitor.TryRead(out var reading));

        Assert.Equal(0x5000, monitor.Cal);
        Assert.Equal(0x5000, sim.Calibration);
        Assert.Equal(0.001, monitor.CurrentLsb.Amperes, 1e-12);
        Assert.Equal(10.0, reading.Current.Amperes, 1e-9);
        Assert.Equal(11.98, reading.BusVoltage.Volts, 1e-9);
        Assert.Equal(119.8, (double)reading.Power.Watts, 1e-9);
    }

    [Theory]
    [InlineData(0.1, 3.2, 4194, 0x399F)] // the common breakout: 320 mV full scale, PGA /8
    [InlineData(0.1, 0.4, 33554, 0x219F)] // 40 mV full scale, PGA /1
    [InlineData(0.01, 5.0, 26842, 0x299F)] // 50 mV: PGA /2
    public void Open_ShuntAndMaxCurrent_SetCalibrationAndGain(double ohms, double maxAmperes, int expectedCal, int expectedConfig)
    {
        var sim = new SimulatedIna219();
        using var monitor = Open(sim, ElectricResistance.FromOhms(ohms), ElectricCurrent.FromAmperes(maxAmperes));

        // Cal = trunc(0.04096 / (max / 2^15 * R)), bit 0 void (equation 1).
        Assert.Equal(expectedCal & 0xFFFE, monitor.Cal);
        Assert.Equal(expectedConfig, sim.Configuration);
    }

    [Fact]
    public void TryRead_ACurrentOutOfTheLoad_IsNegative()
    {
        // A charging battery: the shunt voltage and current registers are two's complement.
        var sim = new SimulatedIna219 { Current = ElectricCurrent.FromAmperes(-1.5), BusVoltage = ElectricPotential.FromVolts(12) };
        using var monitor = Open(sim, ElectricResistance.FromOhms(0.1), ElectricCurrent.FromAmperes(3.2));

        Assert.True(monitor.TryRead(out var reading));

        Assert.Equal(-1.5, reading.Current.Amperes, monitor.CurrentLsb.Amperes);
        Assert.Equal(18.0, (double)reading.Power.Watts, 20 * monitor.CurrentLsb.Amperes * 12 / 4);
    }

    [Fact]
    public void TryRead_NoConversionSinceTheLastRead_IsFalse()
    {
        var sim = new SimulatedIna219();
        using var monitor = Open(sim, ElectricResistance.FromOhms(0.1), ElectricCurrent.FromAmperes(3.2));
        Assert.True(monitor.TryRead(out _));

        sim.Stalled = true;
        sim.Current = ElectricCurrent.FromAmperes(2);

        Assert.False(monitor.TryRead(out var reading));
        Assert.Equal(default, reading);
    }

    [Fact]
    public void TryRead_AShuntVoltageBeyondTheRange_IsFalse()
    {
        // 0.4 A max over 0.1 ohm picks the 40 mV range; 1 A is 100 mV: the math overflows (OVF).
        var sim = new SimulatedIna219 { Current = ElectricCurrent.FromAmperes(1) };
        using var monitor = Open(sim, ElectricResistance.FromOhms(0.1), ElectricCurrent.FromAmperes(0.4));

        Assert.False(monitor.TryRead(out _));
    }

    private static Ina219PowerMonitor Open(SimulatedIna219 sim, ElectricResistance shunt, ElectricCurrent maxCurrent)
    {
        var bus = new SimulatedI2cBus();
        bus.Attach(sim);
        return new Ina219PowerMonitor(bus.CreateDevice(0x40), "power", shunt, maxCurrent);
    }
}
