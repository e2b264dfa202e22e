using System.Buffers.Binary;
using System.Device.I2c;

namespace EdgeAgent.Hardware.Sensors.Bus;

/// <summary>
/// One chip on an I2C bus as a binding sees it: the <see cref="I2cDevice"/> the composition root opened, decorated so
/// that every bus fault names the sensor, the chip, the bus and the address (Linux's i2c-dev only says "Error 121
/// performing I2C data transfer"), plus the register reads and writes the chips here share and a bounded wait for a
/// conversion. Library drivers (Iot.Device.Bindings) are handed this decorator, so their faults read the same way.
/// </summary>
internal sealed class ChipDevice : I2cDevice
{
    /// <summary>
    /// The most status polls a conversion wait makes, whatever the clock says: one poll is at least a 2-3 byte transfer
    /// (about 75 us at 400 kHz, 300 us at 100 kHz), so 1,000 polls outlast every conversion time here, and a frozen test clock cannot spin forever.
    /// </summary>
    internal const int MaxPolls = 1000;

    private readonly I2cDevice _inner;
    private readonly TimeProvider _time;

    public ChipDevice(I2cDevice inner, string sensor, string chip, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentException.ThrowIfNullOrWhiteSpace(sensor);
        _inner = inner;
        _time = time ?? TimeProvider.System;
        Sensor = sensor;
        Chip = chip;
    }

    public string Sensor { get; }

    public string Chip { get; }

    public override I2cConnectionSettings ConnectionSettings => _inner.ConnectionSettings;

    /// <summary>"bus 1 at 0x68", for messages.</summary>
    public string Where => $"I2C bus {ConnectionSettings.BusId} at 0x{ConnectionSettings.DeviceAddress:X2}";

    public override byte ReadByte() => Guard(() => _inner.ReadByte());

    public override void Read(Span<byte> buffer)
    {
        try
        {
            _inner.Read(buffer);
        }
        catch (IOException ex) when (ex is not SensorIdentityException)
        {
            throw Fault(ex);
        }
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        try
        {
            _inner.Write(buffer);
        }
        catch (IOException ex) when (ex is not SensorIdentityException)
        {
            throw Fault(ex);
        }
    }

    public override void WriteByte(byte value)
    {
        try
        {
            _inner.WriteByte(value);
        }
        catch (IOException ex) when (ex is not SensorIdentityException)
        {
            throw Fault(ex);
        }
    }

    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        try
        {
            _inner.WriteRead(writeBuffer, readBuffer);
        }
        catch (IOException ex) when (ex is not SensorIdentityException)
        {
            throw Fault(ex);
        }
    }

    /// <summary>Reads <paramref name="buffer"/>.Length bytes from <paramref name="address"/> on (repeated start, one transfer).</summary>
    public void ReadRegisters(byte address, Span<byte> buffer) => WriteRead([address], buffer);

    public byte ReadRegister8(byte address)
    {
        Span<byte> one = stackalloc byte[1];
        ReadRegisters(address, one);
        return one[0];
    }

    public void WriteRegister8(byte address, byte value) => Write([address, value]);

    /// <summary>A 16-bit big-endian register (INA219, ADS1115, MAX1704x).</summary>
    public ushort ReadRegister16(byte address)
    {
        Span<byte> two = stackalloc byte[2];
        ReadRegisters(address, two);
        return BinaryPrimitives.ReadUInt16BigEndian(two);
    }

    public void WriteRegister16(byte address, ushort value) => Write([address, (byte)(value >> 8), (byte)value]);

    /// <summary>
    /// Polls <paramref name="ready"/> until it holds, the <paramref name="timeout"/> (measured on the injected clock) has
    /// passed, or <see cref="MaxPolls"/> polls were made. False means "not ready in the expected time": the caller reports
    /// no value rather than an old one. A bus fault inside <paramref name="ready"/> propagates.
    /// </summary>
    public bool PollUntil(Func<bool> ready, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(ready);
        var start = _time.GetTimestamp();
        for (var poll = 0; poll < MaxPolls; poll++)
        {
            if (ready())
            {
                return true;
            }

            if (_time.GetElapsedTime(start) > timeout)
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>The chip answered but is not the one named: its identity register says otherwise.</summary>
    public SensorIdentityException NotThisChip(string register, string expected, string found) =>
        new(Sensor, Chip, $"{register} ({Where})", expected, found);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private IOException Fault(IOException ex) =>
        new($"{Sensor}: I2C transfer with the {Chip} on {Where} failed: {ex.Message}", ex);

    private T Guard<T>(Func<T> transfer)
    {
        try
        {
            return transfer();
        }
        catch (IOException ex) when (ex is not SensorIdentityException)
        {
            throw Fault(ex);
        }
    }
}
