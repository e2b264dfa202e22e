using EdgeAgent.Hardware.Sensors.Adc;
using UnitsNet;

namespace EdgeAgent.Hardware.Simulation.Chips;

/// <summary>
/// An ADS1115 (TI SBAS444D) with its reset registers (config 0x8583, Lo_thresh 0x8000, Hi_thresh 0x7FFF). Writing
/// OS=1 in single-shot mode converts the multiplexer's input at once (OS reads 1 again) unless <see cref="Stalled"/>
/// (OS stays 0: converting); in continuous mode every read of the conversion register converts.
/// </summary>
public sealed class SimulatedAds1115 : WordRegisterI2cDevice
{
    private static readonly double[] FullScaleVolts = [6.144, 4.096, 2.048, 1.024, 0.512, 0.256, 0.256, 0.256];

    private readonly ElectricPotential[] _inputs = new ElectricPotential[4];
    private bool _converting;

    public SimulatedAds1115(int address = 0x48, int busId = 1) : base(address, busId)
    {
        Registers[Ads1115Adc.Config] = 0x0583;
        Registers[0x02] = 0x8000;
        Registers[0x03] = 0x7FFF;
        _inputs[0] = ElectricPotential.FromVolts(1.65); // a divider at mid-rail
    }

    /// <summary>True: a started conversion never finishes.</summary>
    public bool Stalled { get; set; }

    /// <summary>Conversions made so far.</summary>
    public int Conversions { get; private set; }

    /// <summary>The voltage on AIN<paramref name="channel"/> against GND.</summary>
    public ElectricPotential this[int channel]
    {
        get => _inputs[channel];
        set => _inputs[channel] = value;
    }

    protected override void WriteRegister(byte address, ushort value)
    {
        switch (address)
        {
            case Ads1115Adc.Config:
                Registers[address] = (ushort)(value & 0x7FFF);
                if ((value & 0x8000) != 0 && (value & 0x0100) != 0)
                {
                    _converting = true;
                    if (!Stalled)
                    {
                        Convert();
                    }
                }

                break;
            case 0x02 or 0x03:
                Registers[address] = value;
                break;
            default:
                break; // the conversion register is read-only
        }
    }

    protected override ushort ReadRegister(byte address)
    {
        if (address == Ads1115Adc.Config)
        {
            return (ushort)(Registers[address] | (_converting ? 0 : 0x8000));
        }

        if (address == Ads1115Adc.Conversion && (Registers[Ads1115Adc.Config] & 0x0100) == 0 && !Stalled)
        {
            Convert(); // continuous mode
        }

        return Registers[address];
    }

    private void Convert()
    {
        var config = Registers[Ads1115Adc.Config];
        var mux = (config >> 12) & 0x07;
        var volts = mux switch
        {
            0 => _inputs[0].Volts - _inputs[1].Volts,
            1 => _inputs[0].Volts - _inputs[3].Volts,
            2 => _inputs[1].Volts - _inputs[3].Volts,
            3 => _inputs[2].Volts - _inputs[3].Volts,
            _ => _inputs[mux - 4].Volts,
        };
        var fullScale = FullScaleVolts[(config >> 9) & 0x07];
        var raw = (short)Math.Clamp(Math.Round(volts / fullScale * 32768.0), short.MinValue, short.MaxValue);
        Registers[Ads1115Adc.Conversion] = unchecked((ushort)raw);
        _converting = false;
        Conversions++;
    }
}
