using EdgeAgent.Hardware.Sensors.Imu;
using UnitsNet;

namespace EdgeAgent.Hardware.Simulation.Chips;

/// <summary>
/// An MPU-6050 or MPU-9250 register map (RM-MPU-6000A-00 rev 4.2 / RM-MPU-9250A-00 rev 1.4): WHO_AM_I, the power-on
/// PWR_MGMT_1 of 0x40 (asleep), full-scale settings, and a sample written to ACCEL/TEMP/GYRO_OUT from the world below
/// each time INT_STATUS is read (the simulated part samples infinitely fast), with DATA_RDY set while it is awake,
/// the interrupt enabled and not <see cref="Stalled"/>.
/// </summary>
public sealed class SimulatedMpu : RegisterMapI2cDevice
{
    private readonly MpuModel _model;

    public SimulatedMpu(MpuModel model = MpuModel.Mpu6050, int address = 0x68, int busId = 1) : base(address, busId)
    {
        _model = model;
        PowerOnReset();
    }

    /// <summary>The acceleration the part feels, per axis (at rest, flat: 0, 0, +1 g).</summary>
    public Acceleration AccelerationX { get; set; }

    public Acceleration AccelerationY { get; set; }

    public Acceleration AccelerationZ { get; set; } = Acceleration.FromStandardGravity(1);

    public RotationalSpeed RotationX { get; set; }

    public RotationalSpeed RotationY { get; set; }

    public RotationalSpeed RotationZ { get; set; }

    public Temperature DieTemperature { get; set; } = Temperature.FromDegreesCelsius(25);

    /// <summary>True: the part writes no new samples (DATA_RDY stays clear, the output registers keep the last sample).</summary>
    public bool Stalled { get; set; }

    /// <summary>What WHO_AM_I (0x75) reads; set it to play another chip at this address.</summary>
    public byte WhoAmI
    {
        get => Registers[MpuImu.WhoAmI];
        set => Registers[MpuImu.WhoAmI] = value;
    }

    /// <summary>Sets all three axes of acceleration at once.</summary>
    public void SetAcceleration(Acceleration x, Acceleration y, Acceleration z) => (AccelerationX, AccelerationY, AccelerationZ) = (x, y, z);

    public void SetRotation(RotationalSpeed x, RotationalSpeed y, RotationalSpeed z) => (RotationX, RotationY, RotationZ) = (x, y, z);

    protected override void WriteRegister(byte address, byte value)
    {
        if (address == MpuImu.WhoAmI)
        {
            return; // read-only
        }

        if (address == MpuImu.PwrMgmt1 && (value & 0x80) != 0)
        {
            PowerOnReset(); // DEVICE_RESET (RM 4.28)
            return;
        }

        base.WriteRegister(address, value);
    }

    protected override byte ReadRegister(byte address)
    {
        if (address != MpuImu.IntStatus)
        {
            return base.ReadRegister(address);
        }

        var awake = (Registers[MpuImu.PwrMgmt1] & 0x40) == 0;
        var enabled = (Registers[MpuImu.IntEnable] & 0x01) != 0;
        if (!awake || !enabled || Stalled)
        {
            return 0x00;
        }

        Sample();
        return 0x01;
    }

    private void PowerOnReset()
    {
        var whoAmI = Registers[MpuImu.WhoAmI];
        Array.Clear(Registers);
        Registers[MpuImu.PwrMgmt1] = 0x40;
        Registers[MpuImu.WhoAmI] = whoAmI != 0 ? whoAmI : MpuImu.ExpectedWhoAmI(_model);
    }

    private void Sample()
    {
        var lsbPerG = 16384.0 / (1 << ((Registers[MpuImu.AccelConfig] >> 3) & 0x03));
        var lsbPerDps = 131.0 / (1 << ((Registers[MpuImu.GyroConfig] >> 3) & 0x03));
        var celsius = DieTemperature.DegreesCelsius;
        var temperature = _model == MpuModel.Mpu6050 ? (celsius - 36.53) * 340.0 : (celsius - 21.0) * 333.87;

        Put(0, AccelerationX.StandardGravity * lsbPerG);
        Put(2, AccelerationY.StandardGravity * lsbPerG);
        Put(4, AccelerationZ.StandardGravity * lsbPerG);
        Put(6, temperature);
        Put(8, RotationX.DegreesPerSecond * lsbPerDps);
        Put(10, RotationY.DegreesPerSecond * lsbPerDps);
        Put(12, RotationZ.DegreesPerSecond * lsbPerDps);
    }

    private void Put(int offset, double value)
    {
        var raw = (short)Math.Clamp(Math.Round(value), short.MinValue, short.MaxValue);
        Registers[MpuImu.AccelXoutH + offset] = (byte)(raw >> 8);
        Registers[MpuImu.AccelXoutH + offset + 1] = (byte)raw;
    }
}
