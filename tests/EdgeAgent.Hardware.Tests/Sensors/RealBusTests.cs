using System.Device.I2c;
using EdgeAgent.Hardware.Sensors;
using EdgeAgent.Hardware.Sensors.Ambient;
using EdgeAgent.Hardware.Sensors.Imu;

namespace EdgeAgent.Hardware.Tests.Sensors;

/// <summary>
/// On a board, with the chips wired to /dev/i2c-1 at their default addresses (MPU-6050 at 0x68, BME280 at 0x76):
/// <c>dotnet test tests/EdgeAgent.Hardware.Tests --filter Category=Hardware</c>. Excluded from the default run.
/// </summary>
[Trait("Category", "Hardware")]
public sealed class RealBusTests
{
    private const int Bus = 1;

    [Fact]
    public void Mpu6050_OnI2c1_AtRest_FeelsOneG()
    {
        using var imu = new MpuImu(I2cDevice.Create(new I2cConnectionSettings(Bus, 0x68)), "imu");

        var reading = FirstReading(imu);

        var g = Math.Sqrt((reading.X.StandardGravity * reading.X.StandardGravity) + (reading.Y.StandardGravity * reading.Y.StandardGravity) +
            (reading.Z.StandardGravity * reading.Z.StandardGravity));
        Assert.InRange(g, 0.9, 1.1);
        Assert.InRange(reading.DieTemperature!.Value.DegreesCelsius, -10, 70);
    }

    [Fact]
    public void Bme280_OnI2c1_ReadsPlausibleIndoorAir()
    {
        using var bme = new Bme280Sensor(I2cDevice.Create(new I2cConnectionSettings(Bus, 0x76)), "climate");

        var reading = FirstReading(bme);

        Assert.InRange(reading.Temperature.DegreesCelsius, -10, 50);
        Assert.InRange(reading.Pressure.Hectopascals, 600, 1100);
        Assert.InRange(reading.Humidity!.Value.Percent, 0, 100);
    }

    /// <summary>A few tries: a sample may not be ready on the first (that is TryRead's false, not a fault).</summary>
    private static T FirstReading<T>(ISensor<T> sensor)
    {
        for (var i = 0; i < 1000; i++)
        {
            if (sensor.TryRead(out var reading))
            {
                return reading;
            }
        }

        Assert.Fail($"{sensor.Name}: no valid reading in 1000 tries");
        return default!;
    }
}
