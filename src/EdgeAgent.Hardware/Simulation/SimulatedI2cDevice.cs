using System.Device.I2c;

namespace EdgeAgent.Hardware.Simulation;

/// <summary>
/// The bus seam of every I2C binding's simulated twin: an <see cref="I2cDevice"/> that a chip simulator fills in, with
/// the faults a real bus shows. A device that is not <see cref="Present"/> NACKs every transfer (Linux reports
/// ENXIO/EREMOTEIO, which .NET surfaces as <see cref="IOException"/>); <see cref="FailTransfers"/> makes the next
/// transfers fail the same way (a glitch on the wire), then the device answers again.
/// </summary>
public abstract class SimulatedI2cDevice : I2cDevice
{
    private readonly I2cConnectionSettings _settings;
    private int _failures;

    protected SimulatedI2cDevice(int address, int busId = 1)
    {
        _settings = new I2cConnectionSettings(busId, address);
    }

    public override I2cConnectionSettings ConnectionSettings => _settings;

    /// <summary>False: the device is unplugged or unpowered; every transfer fails.</summary>
    public bool Present { get; set; } = true;

    /// <summary>How many of the next transfers fail with a bus error.</summary>
    public int FailTransfers
    {
        get => Volatile.Read(ref _failures);
        set => Volatile.Write(ref _failures, value);
    }

    /// <summary>Transfers seen so far (reads and writes), for tests that check a binding does not poll needlessly.</summary>
    public long Transfers { get; private set; }

    public sealed override byte ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        Read(one);
        return one[0];
    }

    public sealed override void WriteByte(byte value) => Write([value]);

    public sealed override void Read(Span<byte> buffer)
    {
        Transfer();
        OnRead(buffer);
    }

    public sealed override void Write(ReadOnlySpan<byte> buffer)
    {
        Transfer();
        OnWrite(buffer);
    }

    /// <summary>A repeated-start write then read, as one transfer: the usual "set the register pointer, read it".</summary>
    public sealed override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        Transfer();
        OnWrite(writeBuffer);
        OnRead(readBuffer);
    }

    /// <summary>The bytes the controller wrote (register pointer first, for register-map chips).</summary>
    protected abstract void OnWrite(ReadOnlySpan<byte> data);

    /// <summary>Fills <paramref name="buffer"/> with what the chip sends.</summary>
    protected abstract void OnRead(Span<byte> buffer);

    private void Transfer()
    {
        Transfers++;
        if (!Present)
        {
            throw new IOException($"I2C bus {_settings.BusId}: no device answers at 0x{_settings.DeviceAddress:X2} (NACK)");
        }

        if (Interlocked.Decrement(ref _failures) >= 0)
        {
            throw new IOException($"I2C bus {_settings.BusId}: transfer to 0x{_settings.DeviceAddress:X2} failed (bus error)");
        }

        Interlocked.Exchange(ref _failures, 0);
    }
}

/// <summary>
/// A chip with 8-bit registers and an auto-incrementing register pointer (MPU-6050, BME280, PCA9685, VL53L0X): the first
/// byte written sets the pointer, further bytes are written from it; reads start at the pointer and advance it.
/// </summary>
public class RegisterMapI2cDevice : SimulatedI2cDevice
{
    public RegisterMapI2cDevice(int address, int busId = 1) : base(address, busId)
    {
    }

    /// <summary>The register file, seeded by the chip simulator with its datasheet values.</summary>
    protected byte[] Registers { get; } = new byte[256];

    /// <summary>The register the next read or write goes to.</summary>
    protected byte Cursor { get; set; }

    protected sealed override void OnWrite(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        Cursor = data[0];
        foreach (var value in data[1..])
        {
            WriteRegister(Cursor, value);
            Cursor++;
        }
    }

    protected sealed override void OnRead(Span<byte> buffer)
    {
        for (var i = 0; i < buffer.Length; i++)
        {
            buffer[i] = ReadRegister(Cursor);
            Cursor++;
        }
    }

    /// <summary>The controller wrote <paramref name="value"/> to <paramref name="address"/>; override for side effects (reset, start a conversion).</summary>
    protected virtual void WriteRegister(byte address, byte value) => Registers[address] = value;

    /// <summary>What the chip sends for <paramref name="address"/>; override for registers that change on read.</summary>
    protected virtual byte ReadRegister(byte address) => Registers[address];
}

/// <summary>
/// A chip with 16-bit big-endian registers (INA219, ADS1115, MAX1704x): the first byte written sets the pointer, the next
/// two (if any) are the word written to it; reads return the word at the pointer, high byte first, without advancing.
/// </summary>
public class WordRegisterI2cDevice : SimulatedI2cDevice
{
    public WordRegisterI2cDevice(int address, int busId = 1) : base(address, busId)
    {
    }

    /// <summary>The register file, seeded by the chip simulator with its datasheet values.</summary>
    protected ushort[] Registers { get; } = new ushort[256];

    protected byte Cursor { get; set; }

    protected sealed override void OnWrite(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        Cursor = data[0];
        if (data.Length >= 3)
        {
            WriteRegister(Cursor, (ushort)((data[1] << 8) | data[2]));
        }
    }

    protected sealed override void OnRead(Span<byte> buffer)
    {
        var word = ReadRegister(Cursor);
        for (var i = 0; i < buffer.Length; i++)
        {
            buffer[i] = (i % 2) == 0 ? (byte)(word >> 8) : (byte)word;
        }
    }

    protected virtual void WriteRegister(byte address, ushort value) => Registers[address] = value;

    protected virtual ushort ReadRegister(byte address) => Registers[address];
}
