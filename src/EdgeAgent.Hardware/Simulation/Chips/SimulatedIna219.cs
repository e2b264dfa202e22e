using EdgeAgent.Hardware.Sensors.PowerMonitoring;
using UnitsNet;

namespace EdgeAgent.Hardware.Simulation.Chips;

/// <summary>
/// An INA219 (TI SBOS448G) with its power-on registers (configuration 0x399F, the rest 0). In continuous mode a
/// conversion happens each time the bus-voltage register is read (unless <see cref="Stalled"/>): the shunt voltage
/// (10 uV LSB, clipped to the PGA range), the bus voltage (4 mV LSB, CNVR set), and from the calibration register the
/// current (shunt x Cal / 4096, equation 4) and power (current x bus / 5000, equation 5). Reading power clears CNVR.
/// </summary>
public sealed class SimulatedIna219 : WordRegisterI2cDevice
{
    public SimulatedIna219(int address = 0x40, int busId = 1) : base(address, busId)
    {
        Reset();
    }

    /// <summary>The shunt resistor on the board.</summary>
    public ElectricResistance Shunt { get; set; } = ElectricResistance.FromOhms(0.1);

    /// <summary>The current through the shunt, positive into the load.</summary>
    public ElectricCurrent Current { get; set; } = ElectricCurrent.FromAmperes(0.5);

    /// <summary>The voltage on VIN- (the load side).</summary>
    public ElectricPotential BusVoltage { get; set; } = ElectricPotential.FromVolts(5);

    /// <summary>True: no conversion completes (CNVR stays clear after the next power read).</summary>
    public bool Stalled { get; set; }

    /// <summary>When non-null, what the configuration register reads instead of its value (another chip at this address).</summary>
    public ushort? ConfigurationOverride { get; set; }

    public ushort Configuration => Registers[Ina219PowerMonitor.Configuration];

    public ushort Calibration => Registers[Ina219PowerMonitor.Calibration];

    protected override void WriteRegister(byte address, ushort value)
    {
        switch (address)
        {
            case Ina219PowerMonitor.Configuration when (value & 0x8000) != 0:
                Reset();
                break;
            case Ina219PowerMonitor.Configuration:
                Registers[address] = value;
                Registers[Ina219PowerMonitor.BusVoltage] &= 0xFFFD; // a configuration write clears CNVR
                break;
            case Ina219PowerMonitor.Calibration:
                Registers[address] = (ushort)(value & 0xFFFE);
                break;
            default:
                break; // the result registers are read-only
        }
    }

    protected override ushort ReadRegister(byte address)
    {
        switch (address)
        {
            case Ina219PowerMonitor.Configuration when ConfigurationOverride is { } other:
                return other;
            case Ina219PowerMonitor.BusVoltage when (Registers[Ina219PowerMonitor.Configuration] & 0x0007) >= 5 && !Stalled:
                Convert();
                break;
            case Ina219PowerMonitor.PowerRegister:
                var power = Registers[address];
                Registers[Ina219PowerMonitor.BusVoltage] &= 0xFFFD;
                return power;
            default:
                break;
        }

        return Registers[address];
    }

    private void Reset()
    {
        Array.Clear(Registers);
        Registers[Ina219PowerMonitor.Configuration] = Ina219PowerMonitor.ConfigurationReset;
    }

    private void Convert()
    {
        var pga = (Registers[Ina219PowerMonitor.Configuration] >> 11) & 0x03;
        var range = 4000 << pga; // +-40 mV .. +-320 mV in 10 uV steps
        var shuntRaw = Math.Round(Current.Amperes * Shunt.Ohms / 10e-6);
        var overflow = Math.Abs(shuntRaw) > range;
        var shunt = (short)Math.Clamp(shuntRaw, -range, range);
        var bus = (int)Math.Clamp(Math.Round(BusVoltage.Volts / 0.004), 0, 8191);

        var cal = Registers[Ina219PowerMonitor.Calibration];
        var current = (long)shunt * cal / 4096;
        var power = Math.Abs(current) * bus / 5000;
        overflow |= current is > short.MaxValue or < short.MinValue || power > ushort.MaxValue;

        Registers[Ina219PowerMonitor.ShuntVoltage] = unchecked((ushort)shunt);
        Registers[Ina219PowerMonitor.Current] = unchecked((ushort)(short)Math.Clamp(current, short.MinValue, short.MaxValue));
        Registers[Ina219PowerMonitor.PowerRegister] = (ushort)Math.Min(power, ushort.MaxValue);
        Registers[Ina219PowerMonitor.BusVoltage] = (ushort)((bus << 3) | 0x0002 | (overflow ? 0x0001 : 0));
    }
}
