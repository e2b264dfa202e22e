using EdgeAgent.Hardware.Sensors.Pwm;
using EdgeAgent.Hardware.Simulation;
using EdgeAgent.Hardware.Simulation.Chips;
using UnitsNet;

namespace EdgeAgent.Hardware.Tests.Sensors;

public sealed class Pca9685Tests
{
    [Fact]
    public void TryRead_AtPowerOn_EveryChannelIsFullOff()
    {
        var sim = new SimulatedPca9685();
        using var pwm = Open(sim);

        Assert.True(pwm.TryRead(out var reading));

        Assert.Equal(16, reading.DutyCycles.Count);
        Assert.All(reading.DutyCycles, d => Assert.Equal(0, d));
    }

    [Theory]
    [InlineData(0, 0.5)]
    [InlineData(3, 0.075)] // a servo's 1.5 ms pulse at 50 Hz is 0.075
    [InlineData(15, 1.0)]
    public void SetDutyCycle_IsWhatTheChipDrivesAndWhatTryReadGivesBack(int channel, double duty)
    {
        var sim = new SimulatedPca9685();
        using var pwm = Open(sim, Frequency.FromHertz(50));

        pwm.SetDutyCycle(channel, duty);

        Assert.True(pwm.TryRead(out var reading));
        // 12-bit counts: within 1/4096.
        Assert.Equal(duty, reading.DutyCycles[channel], 1.0 / 4096);
        Assert.Equal(duty, sim.DutyCycle(channel), 1.0 / 4096);
    }

    [Fact]
    public void Open_AFrequency_SetsThePrescale()
    {
        var sim = new SimulatedPca9685();
        using var pwm = Open(sim, Frequency.FromHertz(50));

        // PRE_SCALE = round(25 MHz / (4096 x 50 Hz)) - 1 = 121 -> 25 MHz / (4096 x 122) = 50.03 Hz (equation 1).
        Assert.Equal(50.03, Math.Round(sim.PwmFrequency.Hertz, 2));
        Assert.Equal(50.03, Math.Round(pwm.PwmFrequency.Hertz, 2));
        Assert.False(sim.Sleeping);
    }

    [Theory]
    [InlineData(new byte[] { 0x00, 0x00, 0x00, 0x08 }, 0.5)] // ON 0, OFF 2048
    [InlineData(new byte[] { 0x99, 0x01, 0xCC, 0x04 }, 0.2)] // the datasheet's example 7.3.3: ON 409, OFF 1228 -> 20 %
    [InlineData(new byte[] { 0x00, 0x0C, 0x00, 0x04 }, 0.5)] // ON 3072, OFF 1024: wraps
    [InlineData(new byte[] { 0x00, 0x10, 0x00, 0x00 }, 1.0)] // full ON
    [InlineData(new byte[] { 0x00, 0x10, 0x00, 0x10 }, 0.0)] // full OFF wins over full ON
    public void DutyCycle_OnOffRegisters_FollowSection7_3_3(byte[] onOff, double expected)
    {
        Assert.Equal(expected, Pca9685PwmDriver.DutyCycle(onOff), 1.0 / 4096);
    }

    [Fact]
    public void TryRead_WhileTheChipSleeps_IsFalse()
    {
        var sim = new SimulatedPca9685();
        using var pwm = Open(sim);
        pwm.SetDutyCycle(0, 0.5);

        sim.Sleeping = true;

        Assert.False(pwm.TryRead(out var reading));
        Assert.Equal(default, reading);
    }

    private static Pca9685PwmDriver Open(SimulatedPca9685 sim, Frequency? frequency = null)
    {
        var bus = new SimulatedI2cBus();
        bus.Attach(sim);
        return new Pca9685PwmDriver(bus.CreateDevice(0x40), "servos", frequency);
    }
}
