using EdgeAgent.Hardware.Sensors.Battery;
using EdgeAgent.Hardware.Simulation;
using EdgeAgent.Hardware.Simulation.Chips;
using UnitsNet;

namespace EdgeAgent.Hardware.Tests.Sensors;

public sealed class Max17048Tests
{
    [Theory]
    // VCELL 78.125 uV/LSB: 49280 LSB = 3.85 V; SOC 1/256 %: 18560 = 72.5 %; CRATE 0.208 %/h signed: -20 LSB = -4.16 %/h.
    [InlineData(3.85, 72.5, -4.16)]
    [InlineData(4.2, 100.0, 0.0)]
    [InlineData(3.0, 1.0 / 256, 10.4)]
    public void TryRead_TheDatasheetLsbs_ScaleTheRegisters(double volts, double percent, double percentPerHour)
    {
        var sim = new SimulatedMax17048
        {
            CellVoltage = ElectricPotential.FromVolts(volts),
            StateOfCharge = Ratio.FromPercent(percent),
            ChargeRate = RatioChangeRate.FromPercentsPerSecond(percentPerHour / 3600),
        };
        using var gauge = Open(sim);

        Assert.True(gauge.TryRead(out var reading));

        Assert.Equal(volts, reading.CellVoltage.Volts, 1e-9);
        Assert.Equal(percent, reading.StateOfCharge.Percent, 1e-9);
        Assert.Equal(percentPerHour, reading.ChargeRate!.Value.PercentsPerSecond * 3600, 1e-9);
    }

    [Fact]
    public void TryRead_OneLsbOfEach_IsTheDatasheetStep()
    {
        var sim = new SimulatedMax17048
        {
            CellVoltage = ElectricPotential.FromMicrovolts(78.125),
            StateOfCharge = Ratio.FromPercent(1.0 / 256),
            ChargeRate = RatioChangeRate.FromPercentsPerSecond(-0.208 / 3600),
        };
        using var gauge = Open(sim);

        Assert.True(gauge.TryRead(out var reading));

        Assert.Equal(78.125, reading.CellVoltage.Microvolts, 1e-9);
        Assert.Equal(0.00390625, reading.StateOfCharge.Percent, 1e-12);
        Assert.Equal(-0.208, reading.ChargeRate!.Value.PercentsPerSecond * 3600, 1e-9);
        Assert.Equal(0x0012, gauge.ChipVersion);
    }

    [Fact]
    public void TryRead_BeforeTheFirstConversion_IsFalse()
    {
        var sim = new SimulatedMax17048 { Converted = false };
        using var gauge = Open(sim);

        Assert.False(gauge.TryRead(out var reading));
        Assert.Equal(default, reading);
    }

    private static Max17048FuelGauge Open(SimulatedMax17048 sim)
    {
        var bus = new SimulatedI2cBus();
        bus.Attach(sim);
        return new Max17048FuelGauge(bus.CreateDevice(0x36), "battery");
    }
}
