using System.Device.I2c;
using EdgeAgent.Hardware.Sensors.Bus;
using Iot.Device.Pwm;
using UnitsNet;

namespace EdgeAgent.Hardware.Sensors.Pwm;

/// <summary>
/// PCA9685 16-channel 12-bit PWM driver (NXP PCA9685 product data sheet rev. 4). Wraps Iot.Device.Pwm.Pca9685 4.2.0
/// for configuration and output (MODE1 AI|ALLCALL, MODE2 OUTDRV, prescale with the SLEEP dance of section 7.3.5, the
/// 500 us oscillator start-up of 7.3.1.1, duty cycle to ON/OFF counts). Identity, which the chip has no register for,
/// is checked before the library writes anything: MODE1 at its power-on value 0x11 (table 5), or else a register
/// file that is a PCA9685's: MODE2's reserved bits 7:5 read 0 (table 6) and PRE_SCALE reads at least 3, the hardware
/// minimum (7.3.5). <see cref="TryRead"/> reads MODE1 and all 16 channels' ON/OFF registers in one 70-byte burst and
/// gives each duty cycle ((OFF - ON) mod 4096 / 4096, full-ON bit 1, full-OFF bit 0 and winning over full-ON, 7.3.3);
/// false while the chip sleeps (oscillator off, no output).
/// </summary>
public sealed class Pca9685PwmDriver : ISensor<PwmReading>, IPwmOutput
{
    internal const byte Mode1 = 0x00;
    internal const byte Mode2 = 0x01;
    internal const byte Led0OnL = 0x06;
    internal const byte AllLedOnL = 0xFA;
    internal const byte PreScale = 0xFE;
    internal const byte Mode1Reset = 0x11;
    internal const int Channels = 16;

    private readonly ChipDevice _device;
    private readonly Pca9685 _pca;

    /// <param name="pwmFrequency">The output frequency to set (servos: 50 Hz); null keeps the chip's prescale.</param>
    public Pca9685PwmDriver(I2cDevice device, string name, Frequency? pwmFrequency = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        _device = new ChipDevice(device, name, "PCA9685");
        var mode1 = _device.ReadRegister8(Mode1);
        if (mode1 != Mode1Reset)
        {
            var mode2 = _device.ReadRegister8(Mode2);
            if ((mode2 & 0xE0) != 0)
            {
                throw _device.NotThisChip("MODE2 (0x01) reserved bits 7:5", "0 (MODE2 & 0xE0 == 0x00)", $"0x{mode2:X2}");
            }

            var prescale = _device.ReadRegister8(PreScale);
            if (prescale < 3)
            {
                throw _device.NotThisChip("PRE_SCALE (0xFE)", "0x03 or more", $"0x{prescale:X2}");
            }
        }

        _pca = new Pca9685(_device, pwmFrequency?.Hertz ?? -1);
    }

    public string Name => _device.Sensor;

    public int ChannelCount => Channels;

    /// <summary>The output frequency from the prescale: 25 MHz / (4096 x (PRE_SCALE + 1)) (equation 1).</summary>
    public Frequency PwmFrequency => Frequency.FromHertz(_pca.PwmFrequency);

    public void SetDutyCycle(int channel, double dutyCycle) => _pca.SetDutyCycle(channel, dutyCycle);

    /// <summary>The duty cycle an LEDn_ON/LEDn_OFF register pair gives (section 7.3.3).</summary>
    public static double DutyCycle(ReadOnlySpan<byte> onOff)
    {
        var fullOn = (onOff[1] & 0x10) != 0;
        var fullOff = (onOff[3] & 0x10) != 0;
        if (fullOff)
        {
            return 0;
        }

        if (fullOn)
        {
            return 1;
        }

        var on = onOff[0] | ((onOff[1] & 0x0F) << 8);
        var off = onOff[2] | ((onOff[3] & 0x0F) << 8);
        return ((off - on) & 0x0FFF) / 4096.0;
    }

    public bool TryRead(out PwmReading reading)
    {
        reading = default;
        Span<byte> burst = stackalloc byte[Led0OnL + (4 * Channels)];
        _device.ReadRegisters(Mode1, burst);
        if ((burst[Mode1] & 0x10) != 0)
        {
            return false;
        }

        var duty = new double[Channels];
        for (var channel = 0; channel < Channels; channel++)
        {
            duty[channel] = DutyCycle(burst.Slice(Led0OnL + (4 * channel), 4));
        }

        reading = new PwmReading(duty);
        return true;
    }

    public void Dispose() => _pca.Dispose();
}
