using System.Device.I2c;
using EdgeAgent.Hardware.Sensors.Bus;
using UnitsNet;

namespace EdgeAgent.Hardware.Sensors.PowerMonitoring;

/// <summary>
/// INA219 bidirectional current and power monitor (TI SBOS448G). Written from the datasheet rather than wrapping
/// Iot.Device.Adc.Ina219 4.2.0, which reads the signed shunt-voltage and current registers as unsigned (a charging
/// current of -1 mA reads as +65.535 A), ignores the CNVR and OVF flags, and busy-waits a conversion time per register.
/// The chip has no identity register: at open it is reset (configuration bit RST) and must then read the configuration
/// power-on value 0x399F (section 8.6.2.1). Calibration follows section 8.5.1: Current_LSB = max expected current / 2^15
/// (equation 2), Cal = trunc(0.04096 / (Current_LSB x R_shunt)) (equation 1), power LSB = 20 x Current_LSB.
/// </summary>
public sealed class Ina219PowerMonitor : ISensor<PowerReading>
{
    internal const byte Configuration = 0x00;
    internal const byte ShuntVoltage = 0x01;
    internal const byte BusVoltage = 0x02;
    internal const byte PowerRegister = 0x03;
    internal const byte Current = 0x04;
    internal const byte Calibration = 0x05;

    /// <summary>The configuration register's power-on / after-reset value (SBOS448G section 8.6.2.1).</summary>
    internal const ushort ConfigurationReset = 0x399F;

    private readonly ChipDevice _device;

    public Ina219PowerMonitor(I2cDevice device, string name, ElectricResistance shunt, ElectricCurrent maxCurrent)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (shunt.Ohms <= 0 || maxCurrent.Amperes <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(shunt), $"{name}: the INA219 needs a positive shunt resistance and maximum current (got {shunt}, {maxCurrent})");
        }

        // PG (bits 12:11): the smallest shunt full-scale range, /1 40 mV to /8 320 mV (section 8.6.2.1), that holds max current x R.
        var maxShuntMillivolts = (maxCurrent.Amperes * shunt.Ohms * 1000) - 1e-9; // 3.2 A x 0.1 ohm is 320.00000000000006 in doubles
        var pga = maxShuntMillivolts <= 40 ? 0 : maxShuntMillivolts <= 80 ? 1 : maxShuntMillivolts <= 160 ? 2 : maxShuntMillivolts <= 320 ? 3 : -1;
        if (pga < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxCurrent), $"{name}: {maxCurrent} through {shunt} is {maxShuntMillivolts:F0} mV, beyond the INA219's 320 mV shunt range");
        }

        var currentLsb = maxCurrent.Amperes / 32768.0;
        var cal = Math.Truncate(0.04096 / (currentLsb * shunt.Ohms));
        if (cal is < 2 or > 0xFFFE)
        {
            throw new ArgumentOutOfRangeException(nameof(maxCurrent), $"{name}: calibration {cal} for {maxCurrent} and {shunt} does not fit the INA219's calibration register");
        }

        // FS0 (bit 0) of the calibration register is void (section 8.6.3.5); the LSBs follow the value actually written.
        Cal = (ushort)((ushort)cal & 0xFFFE);
        CurrentLsb = ElectricCurrent.FromAmperes(0.04096 / (Cal * shunt.Ohms));
        // BRNG=1 (32 V), PG, BADC=SADC=0011 (12 bit, 532 us), MODE=111 (shunt and bus, continuous).
        ConfigurationValue = (ushort)(0x2000 | (pga << 11) | (0x3 << 7) | (0x3 << 3) | 0x7);

        _device = new ChipDevice(device, name, "INA219");
        _device.WriteRegister16(Configuration, 0x8000);
        var found = _device.ReadRegister16(Configuration);
        if (found != ConfigurationReset)
        {
            throw _device.NotThisChip("configuration (0x00) after reset", $"0x{ConfigurationReset:X4}", $"0x{found:X4}");
        }

        _device.WriteRegister16(Calibration, Cal);
        _device.WriteRegister16(Configuration, ConfigurationValue);
    }

    public string Name => _device.Sensor;

    /// <summary>The calibration register value written (section 8.5.1, equation 1).</summary>
    public ushort Cal { get; }

    /// <summary>The current register's LSB (power's is 20 times it).</summary>
    public ElectricCurrent CurrentLsb { get; }

    internal ushort ConfigurationValue { get; }

    /// <summary>
    /// Bus voltage (its CNVR flag says a conversion finished since power was last read, OVF that current or power
    /// overflowed: either way false, section 8.6.3.2), then current (signed) and power; reading power clears CNVR.
    /// </summary>
    public bool TryRead(out PowerReading reading)
    {
        reading = default;
        var bus = _device.ReadRegister16(BusVoltage);
        if ((bus & 0x0002) == 0 || (bus & 0x0001) != 0)
        {
            // Not a new conversion, or an overflow; still read power so CNVR restarts from this read.
            _device.ReadRegister16(PowerRegister);
            return false;
        }

        var current = (short)_device.ReadRegister16(Current);
        var power = _device.ReadRegister16(PowerRegister);
        reading = new PowerReading(
            ElectricPotential.FromMillivolts((bus >> 3) * 4.0),
            ElectricCurrent.FromAmperes(current * CurrentLsb.Amperes),
            UnitsNet.Power.FromWatts(power * 20.0 * CurrentLsb.Amperes));
        return true;
    }

    public void Dispose() => _device.Dispose();
}
