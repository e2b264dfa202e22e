using System.Device.I2c;
using EdgeAgent.Hardware.Sensors.Bus;
using Iot.Device.Bmxx80;
using Iot.Device.Bmxx80.PowerMode;

namespace EdgeAgent.Hardware.Sensors.Ambient;

/// <summary>
/// BME280 temperature, pressure and humidity (Bosch BST-BME280-DS002). Wraps Iot.Device.Bmxx80.Bme280 for what it does
/// well: reading the trimming parameters and the datasheet's double-precision compensation (section 8.1). Around it,
/// this binding checks chip_id itself (so a wrong chip is a <see cref="SensorIdentityException"/>), runs the chip in
/// forced mode (one measurement per <see cref="TryRead"/>, section 3.3.3) and waits on status.measuring rather than
/// the library's blind Thread.Sleep, and refuses the 0x80000 / 0x8000 output the chip holds before its first
/// measurement or for a skipped one (section 4.2.3), which the library would compensate into a plausible number.
/// </summary>
public sealed class Bme280Sensor : ISensor<EnvironmentReading>
{
    internal const byte ChipIdRegister = 0xD0;
    internal const byte ChipId = 0x60;
    internal const byte ResetRegister = 0xE0;
    internal const byte CtrlHum = 0xF2;
    internal const byte Status = 0xF3;
    internal const byte CtrlMeas = 0xF4;
    internal const byte PressMsb = 0xF7;

    /// <summary>
    /// Twice the maximum measurement time at x1 oversampling of all three: t_measure,max = 1.25 + 2.3 + (2.3 + 0.575)
    /// + (2.3 + 0.575) = 9.3 ms (datasheet section 9.1, Appendix B).
    /// </summary>
    private static readonly TimeSpan MeasurementTimeout = TimeSpan.FromMilliseconds(2 * 9.3);

    /// <summary>Start-up time after the soft reset while the NVM is copied (status.im_update): 2 ms (datasheet table 1), with margin.</summary>
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromMilliseconds(10);

    private readonly ChipDevice _device;
    private readonly Bme280 _bme;

    public Bme280Sensor(I2cDevice device, string name, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        _device = new ChipDevice(device, name, "BME280", time);
        var found = _device.ReadRegister8(ChipIdRegister);
        if (found != ChipId)
        {
            throw _device.NotThisChip("chip_id (0xD0)", $"0x{ChipId:X2}", $"0x{found:X2}");
        }

        // Reads the trimming parameters, soft-resets (0xE0 = 0xB6) and sets x1 oversampling, filter off, sleep mode.
        _bme = new Bme280(_device);
        if (!_device.PollUntil(() => (_device.ReadRegister8(Status) & 0x01) == 0, StartupTimeout))
        {
            throw new IOException($"{name}: the BME280 on {_device.Where} is still copying its NVM (status.im_update) after the soft reset");
        }

        // Written again after the reset has finished, so none is lost to it; humidity first (ctrl_hum applies on the next ctrl_meas write, section 5.4.3).
        _bme.HumiditySampling = Sampling.UltraLowPower;
        _bme.PressureSampling = Sampling.UltraLowPower;
        _bme.TemperatureSampling = Sampling.UltraLowPower;
    }

    public string Name => _device.Sensor;

    public bool TryRead(out EnvironmentReading reading)
    {
        reading = default;
        _bme.SetPowerMode(Bmx280PowerMode.Forced);
        if (!_device.PollUntil(() => !_bme.ReadStatus().Measuring, MeasurementTimeout))
        {
            return false;
        }

        Span<byte> raw = stackalloc byte[8];
        _device.ReadRegisters(PressMsb, raw);
        var adcP = (raw[0] << 12) | (raw[1] << 4) | (raw[2] >> 4);
        var adcT = (raw[3] << 12) | (raw[4] << 4) | (raw[5] >> 4);
        var adcH = (raw[6] << 8) | raw[7];
        if (adcT == 0x80000 || adcP == 0x80000 || adcH == 0x8000)
        {
            return false;
        }

        if (!_bme.TryReadTemperature(out var temperature) || !_bme.TryReadPressure(out var pressure) || !_bme.TryReadHumidity(out var humidity))
        {
            return false;
        }

        reading = new EnvironmentReading(temperature, pressure, humidity);
        return true;
    }

    public void Dispose() => _bme.Dispose();
}
