using System.Buffers.Binary;
using System.Device.I2c;
using EdgeAgent.Hardware.Sensors.Bus;
using UnitsNet;

namespace EdgeAgent.Hardware.Sensors.Imu;

/// <summary>Which InvenSense part is on the bus: they share the accelerometer/gyroscope register map, not the identity or the temperature scale.</summary>
public enum MpuModel
{
    /// <summary>MPU-6050: WHO_AM_I (0x75) reads 0x68 (RM-MPU-6000A-00 rev 4.2, section 4.32).</summary>
    Mpu6050,

    /// <summary>MPU-9250: WHO_AM_I (0x75) reads 0x71 (RM-MPU-9250A-00 rev 1.4, WHO_AM_I).</summary>
    Mpu9250,
}

/// <summary>Accelerometer full scale, AFS_SEL in ACCEL_CONFIG (0x1C) bits 4:3; 16384 LSB/g at +-2 g, halving per step.</summary>
public enum AccelerometerFullScale
{
    G2 = 0,
    G4 = 1,
    G8 = 2,
    G16 = 3,
}

/// <summary>Gyroscope full scale, FS_SEL in GYRO_CONFIG (0x1B) bits 4:3; 131 LSB/(deg/s) at +-250 deg/s, halving per step.</summary>
public enum GyroscopeFullScale
{
    Dps250 = 0,
    Dps500 = 1,
    Dps1000 = 2,
    Dps2000 = 3,
}

/// <summary>
/// MPU-6050 / MPU-9250 accelerometer and gyroscope. Written from the register maps rather than wrapping
/// Iot.Device.Imu.Mpu6050/Mpu9250 4.2.0: those divide the acceleration and rate scales by (1 + SMPLRT_DIV), use the
/// MPU-9250's temperature formula for the MPU-6050, write ACCEL_CONFIG_2 (0x1D, absent on the 6050), block 200 ms in
/// Thread.Sleep at open, and the 9250 one needs its AK8963 magnetometer answering through the auxiliary bus.
/// Each <see cref="TryRead"/> is one 15-byte burst from INT_STATUS (0x3A) through GYRO_ZOUT_L (0x48): the data
/// registers are consistent within a burst, and INT_STATUS.DATA_RDY (cleared by that read) says whether a new
/// sample was written since the last read; if not, there is no new value and TryRead is false.
/// </summary>
public sealed class MpuImu : ISensor<MotionReading>
{
    internal const byte SmplrtDiv = 0x19;
    internal const byte Config = 0x1A;
    internal const byte GyroConfig = 0x1B;
    internal const byte AccelConfig = 0x1C;
    internal const byte IntEnable = 0x38;
    internal const byte IntStatus = 0x3A;
    internal const byte AccelXoutH = 0x3B;
    internal const byte PwrMgmt1 = 0x6B;
    internal const byte WhoAmI = 0x75;

    private readonly ChipDevice _device;
    private readonly MpuModel _model;
    private readonly double _lsbPerG;
    private readonly double _lsbPerDps;

    public MpuImu(
        I2cDevice device,
        string name,
        MpuModel model = MpuModel.Mpu6050,
        AccelerometerFullScale accelerometer = AccelerometerFullScale.G4,
        GyroscopeFullScale gyroscope = GyroscopeFullScale.Dps500)
    {
        ArgumentNullException.ThrowIfNull(device);
        _model = model;
        _device = new ChipDevice(device, name, model == MpuModel.Mpu6050 ? "MPU-6050" : "MPU-9250");
        _lsbPerG = 16384.0 / (1 << (int)accelerometer);
        _lsbPerDps = 131.0 / (1 << (int)gyroscope);

        var expected = ExpectedWhoAmI(model);
        var found = _device.ReadRegister8(WhoAmI);
        if (found != expected)
        {
            throw _device.NotThisChip("WHO_AM_I (0x75)", $"0x{expected:X2}", $"0x{found:X2}");
        }

        // PWR_MGMT_1: SLEEP=0 (the part powers up asleep) and CLKSEL=1, the PLL on the X gyroscope, which the product
        // specification (PS-MPU-6000A-00 section 6.6) recommends over the internal oscillator for stability.
        _device.WriteRegister8(PwrMgmt1, 0x01);
        // Sample rate = 1 kHz / (1 + 9) = 100 Hz with the DLPF on; CONFIG DLPF_CFG=3: 44 Hz accel / 42 Hz gyro bandwidth (RM 4.2, 4.3).
        _device.WriteRegister8(SmplrtDiv, 9);
        _device.WriteRegister8(Config, 0x03);
        var gyroConfig = (byte)((int)gyroscope << 3);
        var accelConfig = (byte)((int)accelerometer << 3);
        _device.WriteRegister8(GyroConfig, gyroConfig);
        _device.WriteRegister8(AccelConfig, accelConfig);
        // INT_ENABLE.DATA_RDY_EN: INT_STATUS.DATA_RDY_INT is only raised for an enabled interrupt (RM 4.15, 4.16).
        _device.WriteRegister8(IntEnable, 0x01);

        Span<byte> readBack = stackalloc byte[2];
        _device.ReadRegisters(GyroConfig, readBack);
        if ((readBack[0] & 0x18) != gyroConfig || (readBack[1] & 0x18) != accelConfig)
        {
            throw new IOException($"{name}: the {_device.Chip} on {_device.Where} did not keep its full-scale settings " +
                $"(GYRO_CONFIG 0x{readBack[0]:X2}, ACCEL_CONFIG 0x{readBack[1]:X2}; wrote 0x{gyroConfig:X2}, 0x{accelConfig:X2})");
        }
    }

    public string Name => _device.Sensor;

    /// <summary>The identity WHO_AM_I reads for <paramref name="model"/>.</summary>
    public static byte ExpectedWhoAmI(MpuModel model) => model == MpuModel.Mpu6050 ? (byte)0x68 : (byte)0x71;

    /// <summary>The die temperature in deg C for a TEMP_OUT value: 6050 raw/340 + 36.53 (RM-MPU-6000A 4.18); 9250 raw/333.87 + 21 (PS-MPU-9250A table 3.4.2, RM 4.23).</summary>
    public static double DieTemperatureCelsius(MpuModel model, short raw) =>
        model == MpuModel.Mpu6050 ? (raw / 340.0) + 36.53 : (raw / 333.87) + 21.0;

    public bool TryRead(out MotionReading reading)
    {
        Span<byte> burst = stackalloc byte[15];
        _device.ReadRegisters(IntStatus, burst);
        if ((burst[0] & 0x01) == 0)
        {
            reading = default;
            return false;
        }

        var data = burst[1..];
        reading = new MotionReading(
            Acceleration.FromStandardGravity(Word(data, 0) / _lsbPerG),
            Acceleration.FromStandardGravity(Word(data, 2) / _lsbPerG),
            Acceleration.FromStandardGravity(Word(data, 4) / _lsbPerG),
            RotationalSpeed.FromDegreesPerSecond(Word(data, 8) / _lsbPerDps),
            RotationalSpeed.FromDegreesPerSecond(Word(data, 10) / _lsbPerDps),
            RotationalSpeed.FromDegreesPerSecond(Word(data, 12) / _lsbPerDps),
            Temperature.FromDegreesCelsius(DieTemperatureCelsius(_model, Word(data, 6))));
        return true;
    }

    public void Dispose() => _device.Dispose();

    private static short Word(ReadOnlySpan<byte> data, int offset) => BinaryPrimitives.ReadInt16BigEndian(data[offset..]);
}
