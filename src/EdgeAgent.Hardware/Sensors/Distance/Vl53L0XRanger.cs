using System.Device.I2c;
using EdgeAgent.Hardware.Sensors.Bus;
using Iot.Device.Vl53L0X;
using UnitsNet;

namespace EdgeAgent.Hardware.Sensors.Distance;

/// <summary>
/// VL53L0X time-of-flight ranger (ST DocID029104; register use as in ST's VL53L0X API, which publishes no register
/// map). Wraps Iot.Device.Vl53L0X.Vl53L0X 4.2.0 for the long part, the open: tuning settings, reference SPAD set-up,
/// VHV and phase calibration, timing budget. Its ranging is not used: Distance swallows IOException and answers 8190
/// mm, and neither reads the range status. Identity is IDENTIFICATION_MODEL_ID (0xC0) = 0xEE, checked before the
/// library writes. <see cref="TryRead"/> makes one single-shot measurement the API's way (restore the stop variable,
/// SYSRANGE_START = 0x01, wait for RESULT_INTERRUPT_STATUS, read RESULT_RANGE_STATUS and the range in one burst,
/// clear the interrupt): false when it is not done within the timeout, when the device range status is not 11
/// ("range valid"; 4 is signal fail, 5 sigma fail, 8 and 10 min range / phase fail...), or the range is 8190/8191 mm
/// (out of range).
/// </summary>
public sealed class Vl53L0XRanger : ISensor<DistanceReading>
{
    internal const byte SysrangeStart = 0x00;
    internal const byte SystemInterruptClear = 0x0B;
    internal const byte ResultInterruptStatus = 0x13;
    internal const byte ResultRangeStatus = 0x14;
    internal const byte StopVariable = 0x91;
    internal const byte PageSelect = 0xFF;
    internal const byte ModelIdRegister = 0xC0;
    internal const byte ModelId = 0xEE;
    internal const int RangeValid = 11;

    /// <summary>Three times the default 33 ms timing budget (the API's default measurement time) the library leaves set.</summary>
    private static readonly TimeSpan MeasurementTimeout = TimeSpan.FromMilliseconds(100);

    private readonly ChipDevice _device;
    private readonly Vl53L0X _vl53;
    private readonly byte _stopVariable;

    public Vl53L0XRanger(I2cDevice device, string name, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        _device = new ChipDevice(device, name, "VL53L0X", time);
        var found = _device.ReadRegister8(ModelIdRegister);
        if (found != ModelId)
        {
            throw _device.NotThisChip("IDENTIFICATION_MODEL_ID (0xC0)", $"0x{ModelId:X2}", $"0x{found:X2}");
        }

        try
        {
            _vl53 = new Vl53L0X(_device, operationTimeoutMilliseconds: 500, shouldDispose: true);
        }
        catch (Exception ex) when (ex.GetType() == typeof(Exception))
        {
            // The library throws a bare Exception when its reference calibration does not finish.
            throw new IOException($"{name}: the VL53L0X on {_device.Where} did not finish its start-up calibration: {ex.Message}", ex);
        }

        _stopVariable = InPrivatePage(() => _device.ReadRegister8(StopVariable));
    }

    public string Name => _device.Sensor;

    public bool TryRead(out DistanceReading reading)
    {
        reading = default;
        InPrivatePage(() =>
        {
            _device.WriteRegister8(StopVariable, _stopVariable);
            return 0;
        });
        _device.WriteRegister8(SysrangeStart, 0x01);
        if (!_device.PollUntil(() => (_device.ReadRegister8(ResultInterruptStatus) & 0x07) != 0, MeasurementTimeout))
        {
            return false;
        }

        Span<byte> result = stackalloc byte[12];
        _device.ReadRegisters(ResultRangeStatus, result);
        _device.WriteRegister8(SystemInterruptClear, 0x01);
        var deviceRangeStatus = (result[0] & 0x78) >> 3;
        var millimeters = (result[10] << 8) | result[11];
        if (deviceRangeStatus != RangeValid || millimeters >= 8190)
        {
            return false;
        }

        reading = new DistanceReading(Length.FromMillimeters(millimeters));
        return true;
    }

    public void Dispose() => _vl53.Dispose();

    /// <summary>The API's access to the stop variable: 0x80 = 1, page 1, 0x00 = 0, ..., then back (VL53L0X_StartMeasurement).</summary>
    private T InPrivatePage<T>(Func<T> access)
    {
        _device.WriteRegister8(0x80, 0x01);
        _device.WriteRegister8(PageSelect, 0x01);
        _device.WriteRegister8(0x00, 0x00);
        var value = access();
        _device.WriteRegister8(0x00, 0x01);
        _device.WriteRegister8(PageSelect, 0x00);
        _device.WriteRegister8(0x80, 0x00);
        return value;
    }
}
