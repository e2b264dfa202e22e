using UnitsNet;

namespace EdgeAgent.Hardware.Sensors;

/// <summary>An IMU sample (MPU-6050 / MPU-9250 class): acceleration and angular rate per axis, and the die temperature.</summary>
public readonly record struct MotionReading(
    Acceleration X, Acceleration Y, Acceleration Z,
    RotationalSpeed RotationX, RotationalSpeed RotationY, RotationalSpeed RotationZ,
    Temperature? DieTemperature);

/// <summary>Ambient conditions (BME280): temperature, pressure and, where the chip has it, relative humidity.</summary>
public readonly record struct EnvironmentReading(Temperature Temperature, Pressure Pressure, RelativeHumidity? Humidity);

/// <summary>A power monitor sample (INA219): bus voltage, current (positive into the load) and power.</summary>
public readonly record struct PowerReading(ElectricPotential BusVoltage, ElectricCurrent Current, Power Power);

/// <summary>A fuel gauge sample (MAX1704x): cell voltage, state of charge and its rate of change (positive while charging).</summary>
public readonly record struct BatteryReading(ElectricPotential CellVoltage, Ratio StateOfCharge, RatioChangeRate? ChargeRate);

/// <summary>An ADC sample (ADS1115): the voltage of each single-ended channel read, in channel order.</summary>
public readonly record struct AdcReading(IReadOnlyList<ElectricPotential> Channels);

/// <summary>A PWM driver's outputs read back (PCA9685): the duty cycle of each channel, 0 to 1.</summary>
public readonly record struct PwmReading(IReadOnlyList<double> DutyCycles);

/// <summary>A time-of-flight range (VL53L0X).</summary>
public readonly record struct DistanceReading(Length Distance);

/// <summary>How good a GNSS fix is (NMEA GGA fix quality).</summary>
public enum GnssFixQuality
{
    None = 0,
    Gps = 1,
    Differential = 2,
    Rtk = 4,
    FloatRtk = 5,
    Estimated = 6,
}

/// <summary>A GNSS fix (NMEA 0183 GGA + RMC/VTG). Only valid fixes are readings: no fix is <c>TryRead == false</c>.</summary>
public readonly record struct GnssReading(
    Angle Latitude, Angle Longitude, Length Altitude, Speed GroundSpeed, int Satellites, GnssFixQuality Quality, DateTimeOffset? UtcTime);
