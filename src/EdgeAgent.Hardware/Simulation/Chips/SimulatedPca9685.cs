using EdgeAgent.Hardware.Sensors.Pwm;
using UnitsNet;

namespace EdgeAgent.Hardware.Simulation.Chips;

/// <summary>
/// A PCA9685 (NXP product data sheet rev. 4) with its power-on registers (table 4/5: MODE1 0x11 asleep, MODE2 0x04,
/// SUBADR1-3 0xE2/0xE4/0xE8, ALLCALLADR 0xE0, every LEDn_OFF_H 0x10 full off, PRE_SCALE 0x1E = 200 Hz). PRE_SCALE only
/// takes writes while asleep and not below 3 (7.3.5); ALL_LED writes reach every channel. The register pointer always
/// auto-increments (the real part does only with MODE1.AI, which every driver here sets).
/// </summary>
public sealed class SimulatedPca9685 : RegisterMapI2cDevice
{
    public SimulatedPca9685(int address = 0x40, int busId = 1) : base(address, busId)
    {
        Registers[Pca9685PwmDriver.Mode1] = Pca9685PwmDriver.Mode1Reset;
        Registers[Pca9685PwmDriver.Mode2] = 0x04;
        Registers[0x02] = 0xE2;
        Registers[0x03] = 0xE4;
        Registers[0x04] = 0xE8;
        Registers[0x05] = 0xE0;
        for (var channel = 0; channel < Pca9685PwmDriver.Channels; channel++)
        {
            Registers[Pca9685PwmDriver.Led0OnL + (4 * channel) + 3] = 0x10;
        }

        Registers[Pca9685PwmDriver.PreScale] = 0x1E;
    }

    /// <summary>True while MODE1.SLEEP is set: the oscillator is off and no channel is driven. Settable, as another master or a brown-out would.</summary>
    public bool Sleeping
    {
        get => (Registers[Pca9685PwmDriver.Mode1] & 0x10) != 0;
        set => Registers[Pca9685PwmDriver.Mode1] = (byte)(value ? Registers[Pca9685PwmDriver.Mode1] | 0x10 : Registers[Pca9685PwmDriver.Mode1] & ~0x10);
    }

    /// <summary>25 MHz / (4096 x (PRE_SCALE + 1)), equation 1.</summary>
    public Frequency PwmFrequency => Frequency.FromHertz(25_000_000.0 / (4096.0 * (Registers[Pca9685PwmDriver.PreScale] + 1)));

    /// <summary>The duty cycle <paramref name="channel"/> is programmed to (0 while sleeping: nothing is driven).</summary>
    public double DutyCycle(int channel)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(channel);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(channel, Pca9685PwmDriver.Channels);
        return Sleeping ? 0 : Pca9685PwmDriver.DutyCycle(Registers.AsSpan(Pca9685PwmDriver.Led0OnL + (4 * channel), 4));
    }

    protected override void WriteRegister(byte address, byte value)
    {
        switch (address)
        {
            case Pca9685PwmDriver.PreScale:
                if (Sleeping)
                {
                    Registers[address] = Math.Max(value, (byte)3);
                }

                return;
            case >= Pca9685PwmDriver.AllLedOnL and < Pca9685PwmDriver.PreScale:
                for (var channel = 0; channel < Pca9685PwmDriver.Channels; channel++)
                {
                    Registers[Pca9685PwmDriver.Led0OnL + (4 * channel) + (address - Pca9685PwmDriver.AllLedOnL)] = value;
                }

                return;
            case Pca9685PwmDriver.Mode1:
                Registers[address] = (byte)(value & 0x7F); // RESTART clears when written 1
                return;
            default:
                base.WriteRegister(address, value);
                return;
        }
    }

    protected override byte ReadRegister(byte address) =>
        address is >= Pca9685PwmDriver.AllLedOnL and < Pca9685PwmDriver.PreScale ? (byte)0 : base.ReadRegister(address);
}
