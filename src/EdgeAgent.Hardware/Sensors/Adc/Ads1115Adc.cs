using System.Device.I2c;
using EdgeAgent.Hardware.Sensors.Bus;
using UnitsNet;

namespace EdgeAgent.Hardware.Sensors.Adc;

/// <summary>The programmable gain amplifier's full-scale range, PGA in the config register bits 11:9 (SBAS444D table 8).</summary>
public enum AdcFullScale
{
    Fs6144 = 0,
    Fs4096 = 1,
    Fs2048 = 2,
    Fs1024 = 3,
    Fs512 = 4,
    Fs256 = 5,
}

/// <summary>
/// ADS1115 16-bit ADC (TI SBAS444D), single-ended channels read by single-shot conversions. Written from the datasheet
/// rather than wrapping Iot.Device.Ads1115 4.2.0: that one counts its busy-wait in loop iterations (not time), throws
/// TimeoutException for a conversion that is not ready, and at open retries NACKs with Thread.Sleep(100) instead of
/// reporting the missing chip. No identity register: at open the config register is written with its reset value
/// (0x0583; OS written 0 has no effect) and must read back 0x8583 (OS reads 1 when idle; section 9.6.3, table 8).
/// Each <see cref="TryRead"/> starts one conversion per channel (OS=1, MODE=1) and polls OS for 1.5 conversion
/// periods plus 1 ms (the data rate varies +-10%, section 7.5): a conversion not done by then, or a code clipped at
/// full scale (0x7FFF / 0x8000, section 9.3.3), is no value.
/// </summary>
public sealed class Ads1115Adc : ISensor<AdcReading>
{
    internal const byte Conversion = 0x00;
    internal const byte Config = 0x01;
    internal const ushort ConfigWriteReset = 0x0583;
    internal const ushort ConfigReset = 0x8583;

    private static readonly int[] Rates = [8, 16, 32, 64, 128, 250, 475, 860];
    private static readonly double[] FullScaleVolts = [6.144, 4.096, 2.048, 1.024, 0.512, 0.256];

    private readonly ChipDevice _device;
    private readonly int[] _channels;
    private readonly double _fullScale;
    private readonly ushort _configBase;
    private readonly TimeSpan _timeout;

    public Ads1115Adc(
        I2cDevice device,
        string name,
        IReadOnlyList<int> channels,
        AdcFullScale fullScale = AdcFullScale.Fs4096,
        int samplesPerSecond = 128,
        TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(channels);
        if (channels.Count == 0 || channels.Any(c => c is < 0 or > 3))
        {
            throw new ArgumentOutOfRangeException(nameof(channels), $"{name}: ADS1115 channels are 0 to 3 (got [{string.Join(", ", channels)}])");
        }

        var rate = Array.IndexOf(Rates, samplesPerSecond);
        if (rate < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(samplesPerSecond), $"{name}: the ADS1115 converts at {string.Join(", ", Rates)} samples per second (got {samplesPerSecond})");
        }

        _channels = [.. channels];
        _fullScale = FullScaleVolts[(int)fullScale];
        // MODE=1 single-shot, DR, COMP_QUE=11 comparator off.
        _configBase = (ushort)(((int)fullScale << 9) | 0x0100 | (rate << 5) | 0x0003);
        _timeout = TimeSpan.FromSeconds(1.5 / samplesPerSecond) + TimeSpan.FromMilliseconds(1);

        _device = new ChipDevice(device, name, "ADS1115", time);
        _device.WriteRegister16(Config, ConfigWriteReset);
        var found = _device.ReadRegister16(Config);
        if (found != ConfigReset)
        {
            throw _device.NotThisChip("config (0x01) after writing its reset value 0x0583", $"0x{ConfigReset:X4}", $"0x{found:X4}");
        }
    }

    public string Name => _device.Sensor;

    /// <summary>The channels read, in the order of <see cref="AdcReading.Channels"/>.</summary>
    public IReadOnlyList<int> Channels => _channels;

    public bool TryRead(out AdcReading reading)
    {
        reading = default;
        var volts = new ElectricPotential[_channels.Length];
        for (var i = 0; i < _channels.Length; i++)
        {
            // OS=1 starts the conversion; MUX 1xx is AINx against GND.
            _device.WriteRegister16(Config, (ushort)(0x8000 | ((4 + _channels[i]) << 12) | _configBase));
            if (!_device.PollUntil(() => (_device.ReadRegister16(Config) & 0x8000) != 0, _timeout))
            {
                return false;
            }

            var raw = (short)_device.ReadRegister16(Conversion);
            if (raw is short.MaxValue or short.MinValue)
            {
                return false;
            }

            volts[i] = ElectricPotential.FromVolts(raw * _fullScale / 32768.0);
        }

        reading = new AdcReading(volts);
        return true;
    }

    public void Dispose() => _device.Dispose();
}
