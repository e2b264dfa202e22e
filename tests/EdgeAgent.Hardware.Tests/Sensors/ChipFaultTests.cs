using EdgeAgent.Hardware.Sensors;
using EdgeAgent.Hardware.Sensors.Imu;
using EdgeAgent.Hardware.Sensors.Pwm;
using EdgeAgent.Hardware.Simulation;
using EdgeAgent.Hardware.Simulation.Chips;
using Microsoft.Extensions.Time.Testing;
using UnitsNet;

namespace EdgeAgent.Hardware.Tests.Sensors;

/// <summary>The fault matrix, the same for every chip: opened through <see cref="I2cChips.Open"/> on a seeded <see cref="SimulatedChips"/> twin.</summary>
public sealed class ChipFaultTests
{
    public static TheoryData<string> Chips() => [.. I2cChips.Names];

    [Theory]
    [MemberData(nameof(Chips))]
    public void Open_NothingAtTheAddress_IsAnIOExceptionNamingBusAndAddress(string chip)
    {
        var address = I2cChips.DefaultAddress(chip);
        var bus = new SimulatedI2cBus(busId: 3);

        var ex = Assert.ThrowsAny<IOException>(() => I2cChips.Open(chip, "probe", bus.CreateDevice(address), time: new FakeTimeProvider()));

        Assert.IsNotType<SensorIdentityException>(ex);
        Assert.Contains($"I2C bus 3 at 0x{address:X2}", ex.Message, StringComparison.Ordinal);
        Assert.StartsWith("probe:", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Chips))]
    public void Open_AnotherChipAtTheAddress_IsASensorIdentityExceptionNamingRegisterExpectedAndFound(string chip)
    {
        var c = Cases[chip];
        var bus = new SimulatedI2cBus();
        bus.Attach(c.Impostor(I2cChips.DefaultAddress(chip)));

        var ex = Assert.Throws<SensorIdentityException>(() => I2cChips.Open(chip, "probe", bus.CreateDevice(I2cChips.DefaultAddress(chip)), time: new FakeTimeProvider()));

        Assert.Equal("probe", ex.Sensor);
        Assert.Contains(c.IdentityRegister, ex.Message, StringComparison.Ordinal);
        Assert.Contains($"reads {c.Found}, a {ex.Chip} reads {c.Expected}", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"at 0x{I2cChips.DefaultAddress(chip):X2}", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Chips))]
    public void TryRead_ABusErrorMidRun_IsAnIOExceptionAndTheNextReadIsFreshAndCorrect(string chip)
    {
        var c = Cases[chip];
        var (sim, sensor) = Open(chip);
        using var _ = sensor;
        c.SetWorld(sim, sensor, c.WorldA);
        Assert.Equal(c.WorldA, c.Read(sensor)!.Value, 0.01);

        sim.FailTransfers = 1;
        var ex = Assert.ThrowsAny<IOException>(() => c.Read(sensor));
        c.SetWorld(sim, sensor, c.WorldB);

        Assert.Contains($"at 0x{sim.ConnectionSettings.DeviceAddress:X2}", ex.Message, StringComparison.Ordinal);
        Assert.Equal(c.WorldB, c.Read(sensor)!.Value, 0.01);
    }

    [Theory]
    [MemberData(nameof(Chips))]
    public void TryRead_TheDeviceUnpluggedMidRun_IsAnIOException(string chip)
    {
        var c = Cases[chip];
        var (sim, sensor) = Open(chip);
        using var _ = sensor;
        Assert.NotNull(c.Read(sensor));

        sim.Present = false;

        var ex = Assert.ThrowsAny<IOException>(() => c.Read(sensor));
        Assert.Contains("NACK", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Chips))]
    public void TryRead_NoValidValue_IsFalseAndNeverTheLastValue(string chip)
    {
        var c = Cases[chip];
        var (sim, sensor) = Open(chip);
        using var _ = sensor;
        c.SetWorld(sim, sensor, c.WorldA);
        Assert.NotNull(c.Read(sensor));

        c.NoValue(sim);
        c.SetWorld(sim, sensor, c.WorldB);

        // Read asserts the out value is default when TryRead is false.
        Assert.Null(c.Read(sensor));
    }

    private static (SimulatedI2cDevice Sim, IDisposable Sensor) Open(string chip)
    {
        var address = I2cChips.DefaultAddress(chip);
        var sim = SimulatedChips.Create(chip, address);
        var bus = new SimulatedI2cBus();
        bus.Attach(sim);
        return (sim, I2cChips.Open(chip, "probe", bus.CreateDevice(address), time: new FakeTimeProvider()));
    }

    /// <summary>Reads the sensor: the case's value, or null when TryRead is false (after checking it handed back no value).</summary>
    private static double? Value<T>(IDisposable sensor, Func<T, double> pick) where T : struct
    {
        var typed = Assert.IsAssignableFrom<ISensor<T>>(sensor);
        if (typed.TryRead(out var reading))
        {
            return pick(reading);
        }

        Assert.Equal(default, reading);
        return null;
    }

    private sealed record Case(
        Func<int, SimulatedI2cDevice> Impostor,
        string IdentityRegister,
        string Expected,
        string Found,
        Action<SimulatedI2cDevice, IDisposable, double> SetWorld,
        Func<IDisposable, double?> Read,
        double WorldA,
        double WorldB,
        Action<SimulatedI2cDevice> NoValue);

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["mpu6050"] = new(
            a => new SimulatedMpu(MpuModel.Mpu9250, a), "WHO_AM_I (0x75", "0x68", "0x71",
            (s, _, v) => ((SimulatedMpu)s).AccelerationX = Acceleration.FromStandardGravity(v),
            x => Value<MotionReading>(x, r => r.X.StandardGravity), 0.25, -0.5,
            s => ((SimulatedMpu)s).Stalled = true),
        ["mpu9250"] = new(
            a => new SimulatedMpu(MpuModel.Mpu6050, a), "WHO_AM_I (0x75", "0x71", "0x68",
            (s, _, v) => ((SimulatedMpu)s).AccelerationX = Acceleration.FromStandardGravity(v),
            x => Value<MotionReading>(x, r => r.X.StandardGravity), 1.5, -0.75,
            s => ((SimulatedMpu)s).Stalled = true),
        ["bme280"] = new(
            a => new SimulatedBme280(a) { ChipId = 0x58 }, "chip_id (0xD0", "0x60", "0x58", // a BMP280
            (s, _, v) => ((SimulatedBme280)s).SetConditions(Temperature.FromDegreesCelsius(v), Pressure.FromPascals(100000), RelativeHumidity.FromPercent(50)),
            x => Value<EnvironmentReading>(x, r => r.Temperature.DegreesCelsius), 20, 30,
            s => ((SimulatedBme280)s).Stalled = true),
        ["ina219"] = new(
            a => new SimulatedPca9685(a), "configuration (0x00) after reset", "0x399F", "0x0000", // both live at 0x40
            (s, _, v) => ((SimulatedIna219)s).Current = ElectricCurrent.FromAmperes(v),
            x => Value<PowerReading>(x, r => r.Current.Amperes), 0.5, -1.25,
            s => ((SimulatedIna219)s).Stalled = true),
        ["max17048"] = new(
            a => new SimulatedMax17048(a) { Version = 0x0003 }, "VERSION (0x08", "0x001X", "0x0003",
            (s, _, v) => ((SimulatedMax17048)s).CellVoltage = ElectricPotential.FromVolts(v),
            x => Value<BatteryReading>(x, r => r.CellVoltage.Volts), 3.7, 4.1,
            s => ((SimulatedMax17048)s).Converted = false),
        ["ads1115"] = new(
            a => new SimulatedIna219(a), "config (0x01) after writing its reset value 0x0583", "0x8583", "0x0000",
            (s, _, v) => ((SimulatedAds1115)s)[0] = ElectricPotential.FromVolts(v),
            x => Value<AdcReading>(x, r => r.Channels[0].Volts), 1.0, 2.5,
            s => ((SimulatedAds1115)s).Stalled = true),
        ["pca9685"] = new(
            a => new SimulatedIna219(a), "PRE_SCALE (0xFE", "0x03 or more", "0x00", // an INA219 at 0x40
            (_, x, v) => ((IPwmOutput)x).SetDutyCycle(0, v),
            x => Value<PwmReading>(x, r => r.DutyCycles[0]), 0.25, 0.75,
            s => ((SimulatedPca9685)s).Sleeping = true),
        ["vl53l0x"] = new(
            a => new SimulatedVl53L0X(a) { ModelId = 0xEA }, "IDENTIFICATION_MODEL_ID (0xC0", "0xEE", "0xEA",
            (s, _, v) => ((SimulatedVl53L0X)s).Distance = Length.FromMillimeters(v),
            x => Value<DistanceReading>(x, r => r.Distance.Millimeters), 300, 800,
            s => ((SimulatedVl53L0X)s).Stalled = true),
    };
}
