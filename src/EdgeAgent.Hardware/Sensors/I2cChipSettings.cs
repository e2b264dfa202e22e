using EdgeAgent.Hardware.Sensors.Adc;
using EdgeAgent.Hardware.Sensors.Imu;
using UnitsNet;

namespace EdgeAgent.Hardware.Sensors;

/// <summary>The per-chip settings a product profile may give an I2C sensor; each chip reads only its own, the rest are ignored. Null: the default.</summary>
public sealed record I2cChipSettings
{
    /// <summary>mpu6050/mpu9250: accelerometer full scale (default +-4 g).</summary>
    public AccelerometerFullScale? Accelerometer { get; init; }

    /// <summary>mpu6050/mpu9250: gyroscope full scale (default +-500 deg/s).</summary>
    public GyroscopeFullScale? Gyroscope { get; init; }

    /// <summary>ina219: the shunt resistor (default 0.1 ohm, the common breakout's).</summary>
    public ElectricResistance? Shunt { get; init; }

    /// <summary>ina219: the largest current expected, which sets the calibration (default 3.2 A: 320 mV over 0.1 ohm).</summary>
    public ElectricCurrent? MaxCurrent { get; init; }

    /// <summary>ads1115: the single-ended channels to read, 0-3 (default all four).</summary>
    public IReadOnlyList<int>? AdcChannels { get; init; }

    /// <summary>ads1115: the PGA full scale (default +-4.096 V).</summary>
    public AdcFullScale? AdcFullScale { get; init; }

    /// <summary>ads1115: the data rate, 8-860 samples/s (default 128).</summary>
    public int? AdcSamplesPerSecond { get; init; }

    /// <summary>pca9685: the output frequency to set (default: keep the chip's; servos want 50 Hz).</summary>
    public Frequency? PwmFrequency { get; init; }
}
