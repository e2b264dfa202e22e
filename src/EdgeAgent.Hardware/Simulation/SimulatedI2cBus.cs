using System.Device.I2c;

namespace EdgeAgent.Hardware.Simulation;

/// <summary>
/// A simulated I2C bus: chip simulators attached at their addresses. Opening an address where nothing is attached gives
/// a device that NACKs every transfer, as Linux's i2c-dev does (the open succeeds, the first transfer fails).
/// </summary>
public sealed class SimulatedI2cBus : I2cBus
{
    private readonly Dictionary<int, SimulatedI2cDevice> _devices = [];
    private readonly Lock _gate = new();

    public SimulatedI2cBus(int busId = 1)
    {
        BusId = busId;
    }

    public int BusId { get; }

    /// <summary>Puts <paramref name="device"/> on the bus at its address (replacing whatever was there).</summary>
    public void Attach(SimulatedI2cDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        lock (_gate)
        {
            _devices[device.ConnectionSettings.DeviceAddress] = device;
        }
    }

    /// <summary>Takes the device at <paramref name="address"/> off the bus: it stops answering.</summary>
    public void Detach(int address)
    {
        lock (_gate)
        {
            if (_devices.Remove(address, out var device))
            {
                device.Present = false;
            }
        }
    }

    public SimulatedI2cDevice? this[int address]
    {
        get
        {
            lock (_gate)
            {
                return _devices.GetValueOrDefault(address);
            }
        }
    }

    public override I2cDevice CreateDevice(int deviceAddress)
    {
        lock (_gate)
        {
            return _devices.TryGetValue(deviceAddress, out var device) ? new Handle(device) : new Absent(deviceAddress, BusId).Init();
        }
    }

    public override void RemoveDevice(int deviceAddress)
    {
        // Handles are independent of the attached simulators: nothing to release.
    }

    /// <summary>One opener's view of an attached simulator; disposing it leaves the simulator on the bus for the next opener.</summary>
    private sealed class Handle(SimulatedI2cDevice device) : I2cDevice
    {
        public override I2cConnectionSettings ConnectionSettings => device.ConnectionSettings;

        public override byte ReadByte() => device.ReadByte();

        public override void Read(Span<byte> buffer) => device.Read(buffer);

        public override void Write(ReadOnlySpan<byte> buffer) => device.Write(buffer);

        public override void WriteByte(byte value) => device.WriteByte(value);

        public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer) => device.WriteRead(writeBuffer, readBuffer);
    }

    private sealed class Absent(int address, int busId) : RegisterMapI2cDevice(address, busId)
    {
        public Absent Init()
        {
            Present = false;
            return this;
        }
    }
}
