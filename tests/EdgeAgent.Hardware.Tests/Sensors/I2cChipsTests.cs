using EdgeAgent.Hardware.Sensors;
using EdgeAgent.Hardware.Sensors.Pwm;
using EdgeAgent.Hardware.Simulation;
using Microsoft.Extensions.Time.Testing;

namespace EdgeAgent.Hardware.Tests.Sensors;

public sealed class I2cChipsTests
{
    [Theory]
    [InlineData("mpu6050", typeof(ISensor<MotionReading>))]
    [InlineData("mpu9250", typeof(ISensor<MotionReading>))]
    [InlineData("bme280", typeof(ISensor<EnvironmentReading>))]
    [InlineData("ina219", typeof(ISensor<PowerReading>))]
    [InlineData("max17048", typeof(ISensor<BatteryReading>))]
    [InlineData("ads1115", typeof(ISensor<AdcReading>))]
    [InlineData("pca9685", typeof(ISensor<PwmReading>))]
    [InlineData("vl53l0x", typeof(ISensor<DistanceReading>))]
    public void Open_EachChipOnItsSeededTwin_IsItsSensorAndReads(string chip, Type port)
    {
        var address = I2cChips.DefaultAddress(chip);
        var bus = new SimulatedI2cBus();
        bus.Attach(SimulatedChips.Create(chip, address));

        using var sensor = I2cChips.Open(chip, "probe", bus.CreateDevice(address), time: new FakeTimeProvider());

        Assert.IsAssignableFrom(port, sensor);
        var tryRead = port.GetMethod("TryRead")!;
        var args = new object?[] { null };
        Assert.True((bool)tryRead.Invoke(sensor, args)!);
        Assert.NotNull(args[0]);
    }

    [Fact]
    public void Open_AFailedOpen_DisposesTheDevice()
    {
        var bus = new SimulatedI2cBus();
        var device = new DisposalTracking(bus.CreateDevice(0x68));

        Assert.ThrowsAny<IOException>(() => I2cChips.Open("mpu6050", "imu", device));

        Assert.True(device.Disposed);
    }

    [Fact]
    public void Names_AreExactlyTheChipsTheFactoryOpens()
    {
        Assert.Equal(["mpu6050", "mpu9250", "bme280", "ina219", "max17048", "ads1115", "pca9685", "vl53l0x"], I2cChips.Names);
    }

    [Fact]
    public void Open_Pca9685_IsAlsoThePwmOutput()
    {
        var bus = new SimulatedI2cBus();
        bus.Attach(SimulatedChips.Create("pca9685", 0x41));

        using var sensor = I2cChips.Open("pca9685", "servos", bus.CreateDevice(0x41), new I2cChipSettings { PwmFrequency = UnitsNet.Frequency.FromHertz(50) });

        var output = Assert.IsAssignableFrom<IPwmOutput>(sensor);
        Assert.Equal(16, output.ChannelCount);
    }

    [Fact]
    public void Open_AnUnknownChip_IsAnArgumentExceptionListingTheAllowedNames()
    {
        var bus = new SimulatedI2cBus();

        var ex = Assert.Throws<ArgumentException>(() => I2cChips.Open("bmp180", "climate", bus.CreateDevice(0x77)));

        Assert.Equal("chip", ex.ParamName);
        Assert.Contains("'bmp180'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("mpu6050, mpu9250, bme280, ina219, max17048, ads1115, pca9685, vl53l0x", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SimulatedChipsCreate_AnUnknownChip_IsAnArgumentExceptionListingTheAllowedNames()
    {
        var ex = Assert.Throws<ArgumentException>(() => SimulatedChips.Create("sht31", 0x44));

        Assert.Contains("allowed: mpu6050, mpu9250", ex.Message, StringComparison.Ordinal);
    }

    private sealed class DisposalTracking(System.Device.I2c.I2cDevice inner) : System.Device.I2c.I2cDevice
    {
        public bool Disposed { get; private set; }

        public override System.Device.I2c.I2cConnectionSettings ConnectionSettings => inner.ConnectionSettings;

        public override byte ReadByte() => inner.ReadByte();

        public override void Read(Span<byte> buffer) => inner.Read(buffer);

        public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);

        public override void WriteByte(byte value) => inner.WriteByte(value);

        public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer) => inner.WriteRead(writeBuffer, readBuffer);

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}
