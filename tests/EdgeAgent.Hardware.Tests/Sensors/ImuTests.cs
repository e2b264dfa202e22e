using EdgeAgent.Hardware.Sensors.Imu;
using EdgeAgent.Hardware.Simulation;
using EdgeAgent.Hardware.Simulation.Chips;
using UnitsNet;

namespace EdgeAgent.Hardware.Tests.Sensors;

public sealed class ImuTests
{
    [Theory]
    [InlineData(MpuModel.Mpu6050)]
    [InlineData(MpuModel.Mpu9250)]
    public void TryRead_AtRestFlat_GivesOneGDownAndTheDieTemperature(MpuModel model)
    {
        var sim = new SimulatedMpu(model) { DieTemperature = Temperature.FromDegreesCelsius(30) };
        using var imu = Open(sim, model);

        Assert.True(imu.TryRead(out var reading));

        Assert.Equal(0, reading.X.StandardGravity);
        Assert.Equal(1, reading.Z.StandardGravity);
        Assert.Equal(0, reading.RotationZ.DegreesPerSecond);
        // One TEMP_OUT LSB is 1/340 (6050) or 1/333.87 (9250) deg C.
        Assert.Equal(30, reading.DieTemperature!.Value.DegreesCelsius, 0.003);
    }

    [Theory]
    [InlineData(AccelerometerFullScale.G2, GyroscopeFullScale.Dps250, 0.5, -1.25, 10.0)]
    [InlineData(AccelerometerFullScale.G4, GyroscopeFullScale.Dps500, -3.5, 2.0, -200.0)]
    [InlineData(AccelerometerFullScale.G16, GyroscopeFullScale.Dps2000, 12.0, -0.5, 1500.0)]
    public void TryRead_AWorldWithinFullScale_ReadsItBackExactly(AccelerometerFullScale accel, GyroscopeFullScale gyro, double xG, double yG, double zDps)
    {
        var sim = new SimulatedMpu();
        sim.SetAcceleration(Acceleration.FromStandardGravity(xG), Acceleration.FromStandardGravity(yG), Acceleration.Zero);
        sim.SetRotation(RotationalSpeed.Zero, RotationalSpeed.Zero, RotationalSpeed.FromDegreesPerSecond(zDps));
        using var imu = Open(sim, MpuModel.Mpu6050, accel, gyro);

        Assert.True(imu.TryRead(out var reading));

        // These values are whole numbers of LSBs at the chosen scales (16384 >> n LSB/g, 131 >> n LSB/(deg/s) within one LSB).
        Assert.Equal(xG, reading.X.StandardGravity, 1e-9);
        Assert.Equal(yG, reading.Y.StandardGravity, 1e-9);
        Assert.Equal(zDps, reading.RotationZ.DegreesPerSecond, 131.0 / (1 << (int)gyro) is var lsb ? 0.5 / lsb : 0);
    }

    [Fact]
    public void TryRead_NoNewSampleSinceTheLastRead_IsFalseWithNoValue()
    {
        var sim = new SimulatedMpu();
        using var imu = Open(sim, MpuModel.Mpu6050);
        Assert.True(imu.TryRead(out _));

        sim.Stalled = true;
        sim.SetAcceleration(Acceleration.FromStandardGravity(0.7), Acceleration.Zero, Acceleration.Zero);

        Assert.False(imu.TryRead(out var reading));
        Assert.Equal(default, reading);
    }

    [Fact]
    public void Open_WakesThePartAndEnablesDataReady()
    {
        var sim = new SimulatedMpu();
        var bus = new SimulatedI2cBus();
        bus.Attach(sim);

        // Asleep at power-on (PWR_MGMT_1 = 0x40): without the binding's wake-up there is no sample.
        using var imu = new MpuImu(bus.CreateDevice(0x68), "imu");

        Assert.True(imu.TryRead(out _));
    }

    private static MpuImu Open(SimulatedMpu sim, MpuModel model, AccelerometerFullScale accel = AccelerometerFullScale.G4, GyroscopeFullScale gyro = GyroscopeFullScale.Dps500)
    {
        var bus = new SimulatedI2cBus();
        bus.Attach(sim);
        return new MpuImu(bus.CreateDevice(0x68), "imu", model, accel, gyro);
    }
}
