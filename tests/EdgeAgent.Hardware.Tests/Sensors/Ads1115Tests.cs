using EdgeAgent.Hardware.Sensors.Adc;
using EdgeAgent.Hardware.Sensors.Bus;
using EdgeAgent.Hardware.Simulation;
using EdgeAgent.Hardware.Simulation.Chips;
using Microsoft.Extensions.Time.Testing;
using UnitsNet;

namespace EdgeAgent.Hardware.Tests.Sensors;

public sealed class Ads1115Tests
{
    [Theory]
    // FS 4.096 V: 1 LSB = 125 uV, so these are whole codes (1.65 V = 13200, 0.5 V = 4000, 3.3 V = 26400).
    [InlineData(AdcFullScale.Fs4096, 1.65, 0.5, 3.3, 0.0)]
    // FS 2.048 V: 1 LSB = 62.5 uV.
    [InlineData(AdcFullScale.Fs2048, 1.0, 0.0625, 2.0, 0.25)]
    public void TryRead_EachConfiguredChannel_IsOneSingleShotConversion(AdcFullScale fullScale, double a0, double a1, double a2, double a3)
    {
        var sim = new SimulatedAds1115();
        (sim[0], sim[1], sim[2], sim[3]) = (Volts(a0), Volts(a1), Volts(a2), Volts(a3));
        using var adc = Open(sim, [0, 1, 2, 3], fullScale);
        var before = sim.Conversions;

        Assert.True(adc.TryRead(out var reading));

        Assert.Equal([a0, a1, a2, a3], reading.Channels.Select(v => v.Volts), (x, y) => Math.Abs(x - y) < 1e-12);
        Assert.Equal(before + 4, sim.Conversions);
    }

    [Fact]
    public void TryRead_OnlyTheConfiguredChannels_InTheirOrder()
    {
        var sim = new SimulatedAds1115();
        (sim[0], sim[2], sim[3]) = (Volts(0.1), Volts(0.2), Volts(0.3));
        using var adc = Open(sim, [3, 0]);

        Assert.True(adc.TryRead(out var reading));

        Assert.Equal([0.3, 0.1], reading.Channels.Select(v => v.Volts), (x, y) => Math.Abs(x - y) < 1e-12);
    }

    [Fact]
    public void TryRead_AnInputBeyondFullScale_IsFalseNotTheClippedCode()
    {
        var sim = new SimulatedAds1115();
        sim[0] = Volts(3.0);
        using var adc = Open(sim, [0], AdcFullScale.Fs2048);

        Assert.False(adc.TryRead(out var reading));
        Assert.Equal(default, reading);
    }

    [Fact]
    public void TryRead_AConversionThatDoesNotFinish_IsFalseAfterBoundedPolls()
    {
        var sim = new SimulatedAds1115();
        using var adc = Open(sim, [0, 1]);
        Assert.True(adc.TryRead(out _));

        sim.Stalled = true;
        var transfers = sim.Transfers;

        Assert.False(adc.TryRead(out var reading));
        Assert.Equal(default, reading);
        // The frozen test clock never reaches the deadline: the poll count bounds the wait (one write, then the polls).
        Assert.Equal(transfers + 1 + ChipDevice.MaxPolls, sim.Transfers);
    }

    [Fact]
    public void TryRead_NotReady_StopsAtTheConversionDeadlineOnTheInjectedClock()
    {
        var sim = new SimulatedAds1115();
        var clock = new FakeTimeProvider();
        var bus = new SimulatedI2cBus();
        bus.Attach(sim);
        using var adc = new Ads1115Adc(bus.CreateDevice(0x48), "adc", [0], AdcFullScale.Fs4096, 128, clock);
        sim.Stalled = true;
        // Each look at the clock moves it 1 ms; at 128 SPS the deadline is 1.5/128 s + 1 ms = 12.7 ms.
        clock.AutoAdvanceAmount = TimeSpan.FromMilliseconds(1);
        var transfers = sim.Transfers;

        Assert.False(adc.TryRead(out _));

        Assert.InRange(sim.Transfers - transfers, 10, 20);
    }

    private static ElectricPotential Volts(double v) => ElectricPotential.FromVolts(v);

    private static Ads1115Adc Open(SimulatedAds1115 sim, int[] channels, AdcFullScale fullScale = AdcFullScale.Fs4096)
    {
        var bus = new SimulatedI2cBus();
        bus.Attach(sim);
        return new Ads1115Adc(bus.CreateDevice(0x48), "adc", channels, fullScale, 128, new FakeTimeProvider());
    }
}
