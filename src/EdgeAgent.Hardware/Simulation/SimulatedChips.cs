using EdgeAgent.Hardware.Sensors;
using EdgeAgent.Hardware.Sensors.Imu;
using EdgeAgent.Hardware.Simulation.Chips;

namespace EdgeAgent.Hardware.Simulation;

/// <summary>The simulated board's chips: a seeded simulator for each name <see cref="I2cChips.Open"/> takes, to attach to a <see cref="SimulatedI2cBus"/>.</summary>
public static class SimulatedChips
{
    /// <summary>A simulator of <paramref name="chip"/> at <paramref name="address"/>, seeded with its datasheet power-on values and a plausible world.</summary>
    /// <exception cref="ArgumentException">An unknown chip name; the message lists the allowed ones.</exception>
    public static SimulatedI2cDevice Create(string chip, int address, int busId = 1) => chip switch
    {
        "mpu6050" => new SimulatedMpu(MpuModel.Mpu6050, address, busId),
        "mpu9250" => new SimulatedMpu(MpuModel.Mpu9250, address, busId),
        "bme280" => new SimulatedBme280(address, busId),
        "ina219" => new SimulatedIna219(address, busId),
        "max17048" => new SimulatedMax17048(address, busId),
        "ads1115" => new SimulatedAds1115(address, busId),
        "pca9685" => new SimulatedPca9685(address, busId),
        "vl53l0x" => new SimulatedVl53L0X(address, busId),
        _ => throw I2cChips.Unknown(chip),
    };
}
