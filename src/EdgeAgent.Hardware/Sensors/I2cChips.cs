using System.Device.I2c;
using EdgeAgent.Hardware.Sensors.Adc;
using EdgeAgent.Hardware.Sensors.Ambient;
using EdgeAgent.Hardware.Sensors.Battery;
using EdgeAgent.Hardware.Sensors.Distance;
using EdgeAgent.Hardware.Sensors.Imu;
using EdgeAgent.Hardware.Sensors.PowerMonitoring;
using EdgeAgent.Hardware.Sensors.Pwm;
using UnitsNet;

namespace EdgeAgent.Hardware.Sensors;

/// <summary>The composition root's way in: open the binding a product profile names by its chip.</summary>
public static class I2cChips
{
    /// <summary>The chip names a profile may use, in the order of the README.</summary>
    public static IReadOnlyList<string> Names { get; } = ["mpu6050", "mpu9250", "bme280", "ina219", "max17048", "ads1115", "pca9685", "vl53l0x"];

    /// <summary>
    /// Opens the binding of <paramref name="chip"/> on <paramref name="device"/> (which it then owns and disposes),
    /// checking the chip's identity. The result is an <see cref="ISensor{TReading}"/> of the chip's reading:
    /// <see cref="MotionReading"/> (mpu6050, mpu9250), <see cref="EnvironmentReading"/> (bme280), <see cref="PowerReading"/>
    /// (ina219), <see cref="BatteryReading"/> (max17048), <see cref="AdcReading"/> (ads1115), <see cref="PwmReading"/>
    /// (pca9685, also an <see cref="IPwmOutput"/>), <see cref="DistanceReading"/> (vl53l0x).
    /// </summary>
    /// <remarks>When the open fails, <paramref name="device"/> is disposed (a doctor run probing every address leaks no handle).</remarks>
    /// <exception cref="ArgumentException">An unknown chip name; the message lists the allowed ones.</exception>
    /// <exception cref="SensorIdentityException">Another chip answers at the address.</exception>
    /// <exception cref="IOException">Nothing answers at the address, or a bus fault; the message names bus and address.</exception>
    public static IDisposable Open(string chip, string sensorName, I2cDevice device, I2cChipSettings? settings = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        settings ??= new I2cChipSettings();
        try
        {
            return OpenChip(chip, sensorName, device, settings, time);
        }
        catch
        {
            device.Dispose();
            throw;
        }
    }

    /// <summary>The chip's usual 7-bit address (the one its breakouts ship with).</summary>
    public static int DefaultAddress(string chip) => chip switch
    {
        "mpu6050" or "mpu9250" => 0x68,
        "bme280" => 0x76,
        "ina219" => 0x40,
        "max17048" => 0x36,
        "ads1115" => 0x48,
        "pca9685" => 0x40,
        "vl53l0x" => 0x29,
        _ => throw Unknown(chip),
    };

    internal static ArgumentException Unknown(string chip) =>
        new($"Unknown I2C chip '{chip}'; allowed: {string.Join(", ", Names)}", nameof(chip));

    private static IDisposable OpenChip(string chip, string sensorName, I2cDevice device, I2cChipSettings settings, TimeProvider? time) =>
        chip switch
        {
            "mpu6050" => new MpuImu(device, sensorName, MpuModel.Mpu6050, settings.Accelerometer ?? AccelerometerFullScale.G4, settings.Gyroscope ?? GyroscopeFullScale.Dps500),
            "mpu9250" => new MpuImu(device, sensorName, MpuModel.Mpu9250, settings.Accelerometer ?? AccelerometerFullScale.G4, settings.Gyroscope ?? GyroscopeFullScale.Dps500),
            "bme280" => new Bme280Sensor(device, sensorName, time),
            "ina219" => new Ina219PowerMonitor(device, sensorName, settings.Shunt ?? ElectricResistance.FromOhms(0.1), settings.MaxCurrent ?? ElectricCurrent.FromAmperes(3.2)),
            "max17048" => new Max17048FuelGauge(device, sensorName),
            "ads1115" => new Ads1115Adc(device, sensorName, settings.AdcChannels ?? [0, 1, 2, 3], settings.AdcFullScale ?? AdcFullScale.Fs4096, settings.AdcSamplesPerSecond ?? 128, time),
            "pca9685" => new Pca9685PwmDriver(device, sensorName, settings.PwmFrequency),
            "vl53l0x" => new Vl53L0XRanger(device, sensorName, time),
            _ => throw Unknown(chip),
        };
}
