using EdgeAgent.Hardware.Sensors.Battery;
using UnitsNet;

namespace EdgeAgent.Hardware.Simulation.Chips;

/// <summary>
/// A MAX17048 fuel gauge at its fixed address 0x36 (datasheet 19-6171): VERSION 0x0012, CONFIG 0x971C and MODE 0 at
/// power-on, and VCELL / SOC / CRATE from the cell below in the datasheet's LSBs (78.125 uV, 1/256 %, 0.208 %/hr).
/// </summary>
public sealed class SimulatedMax17048 : WordRegisterI2cDevice
{
    public SimulatedMax17048(int address = 0x36, int busId = 1) : base(address, busId)
    {
        Registers[Max17048FuelGauge.Version] = 0x0012;
        Registers[Max17048FuelGauge.Config] = 0x971C;
        Registers[Max17048FuelGauge.Status] = 0x0100; // RI: reset indicator after power-on
    }

    public ElectricPotential CellVoltage { get; set; } = ElectricPotential.FromVolts(3.85);

    public Ratio StateOfCharge { get; set; } = Ratio.FromPercent(72);

    /// <summary>The rate of change of charge, positive while charging.</summary>
    public RatioChangeRate ChargeRate { get; set; } = RatioChangeRate.FromPercentsPerSecond(-4.16 / 3600);

    /// <summary>False: the gauge has not converted since power-on (VCELL and SOC read 0).</summary>
    public bool Converted { get; set; } = true;

    /// <summary>What VERSION (0x08) reads; set it to play another chip.</summary>
    public ushort Version
    {
        get => Registers[Max17048FuelGauge.Version];
        set => Registers[Max17048FuelGauge.Version] = value;
    }

    protected override void WriteRegister(byte address, ushort value)
    {
        if (address is Max17048FuelGauge.Config or Max17048FuelGauge.Mode or Max17048FuelGauge.Status)
        {
            Registers[address] = value;
        }
    }

    protected override ushort ReadRegister(byte address) => address switch
    {
        Max17048FuelGauge.Vcell => Converted ? (ushort)Math.Clamp(Math.Round(CellVoltage.Microvolts / Max17048FuelGauge.VcellMicrovoltsPerLsb), 0, ushort.MaxValue) : (ushort)0,
        Max17048FuelGauge.Soc => Converted ? (ushort)Math.Clamp(Math.Round(StateOfCharge.Percent * 256), 0, ushort.MaxValue) : (ushort)0,
        Max17048FuelGauge.Crate => unchecked((ushort)(short)Math.Clamp(
            Math.Round(ChargeRate.PercentsPerSecond * 3600 / Max17048FuelGauge.CratePercentPerHourPerLsb), short.MinValue, short.MaxValue)),
        _ => Registers[address],
    };
}
