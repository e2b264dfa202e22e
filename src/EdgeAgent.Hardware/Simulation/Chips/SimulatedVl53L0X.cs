using EdgeAgent.Hardware.Sensors.Distance;
using UnitsNet;

namespace EdgeAgent.Hardware.Simulation.Chips;

/// <summary>
/// A VL53L0X as its drivers see it: IDENTIFICATION_MODEL_ID 0xEE / REVISION 0x10, the paged register file behind
/// 0xFF (the library's start-up reads the stop variable, SPAD info through the 0x83 strobe and the reference SPAD map),
/// and SYSRANGE_START (page 0) measuring at once: RESULT_INTERRUPT_STATUS = 4 (new sample), RESULT_RANGE_STATUS with
/// the device range status in bits 6:3, the range in mm at 0x1E. Beyond <see cref="MaxRange"/> it reports a signal
/// fail (status 4) and 8190 mm, as the part does with no target.
/// </summary>
public sealed class SimulatedVl53L0X : RegisterMapI2cDevice
{
    private readonly Dictionary<byte, byte[]> _pages = [];

    public SimulatedVl53L0X(int address = 0x29, int busId = 1) : base(address, busId)
    {
        Registers[Vl53L0XRanger.ModelIdRegister] = Vl53L0XRanger.ModelId;
        Registers[0xC1] = 0xAA;
        Registers[0xC2] = 0x10;
        Registers[0x89] = 0x00;
        Registers[0x84] = 0x01;
        Registers[0x72] = 0xFE;
        for (var i = 0; i < 6; i++)
        {
            Registers[0xB0 + i] = 0xFF; // every reference SPAD good
        }

        Page(1)[Vl53L0XRanger.StopVariable] = 0x3C;
        Page(7)[0x92] = 0x0C; // SPAD info: 12 reference SPADs, non-aperture
    }

    /// <summary>The target's distance.</summary>
    public Length Distance { get; set; } = Length.FromMillimeters(500);

    /// <summary>The device range status the next measurement reports (11 = range valid).</summary>
    public int RangeStatus { get; set; } = Vl53L0XRanger.RangeValid;

    /// <summary>Farther than this there is no return: signal fail, 8190 mm.</summary>
    public Length MaxRange { get; set; } = Length.FromMeters(2);

    /// <summary>True: a started measurement never completes.</summary>
    public bool Stalled { get; set; }

    public int Measurements { get; private set; }

    public byte ModelId
    {
        get => Registers[Vl53L0XRanger.ModelIdRegister];
        set => Registers[Vl53L0XRanger.ModelIdRegister] = value;
    }

    private byte CurrentPage => Registers[Vl53L0XRanger.PageSelect];

    protected override void WriteRegister(byte address, byte value)
    {
        if (address == Vl53L0XRanger.PageSelect)
        {
            Registers[address] = value;
            return;
        }

        if (CurrentPage != 0)
        {
            Page(CurrentPage)[address] = value;
            return;
        }

        switch (address)
        {
            case Vl53L0XRanger.SysrangeStart when (value & 0x01) != 0:
                Registers[address] = value;
                if (!Stalled)
                {
                    Measure();
                    Registers[address] = (byte)(value & 0xFE);
                }

                return;
            case Vl53L0XRanger.SystemInterruptClear:
                Registers[address] = value;
                if ((value & 0x01) != 0)
                {
                    Registers[Vl53L0XRanger.ResultInterruptStatus] = 0;
                }

                return;
            case >= Vl53L0XRanger.ModelIdRegister and <= 0xC2:
                return; // identification is read-only
            default:
                base.WriteRegister(address, value);
                return;
        }
    }

    protected override byte ReadRegister(byte address)
    {
        if (address == Vl53L0XRanger.PageSelect || CurrentPage == 0)
        {
            return base.ReadRegister(address);
        }

        var value = Page(CurrentPage)[address];
        return address == 0x83 && value == 0 ? (byte)0x01 : value; // the NVM read strobe is done at once
    }

    private void Measure()
    {
        var status = RangeStatus;
        var millimeters = (int)Math.Round(Distance.Millimeters);
        if (Distance > MaxRange)
        {
            status = 4;
            millimeters = 8190;
        }

        Registers[Vl53L0XRanger.ResultRangeStatus] = (byte)((status & 0x0F) << 3);
        Registers[Vl53L0XRanger.ResultRangeStatus + 10] = (byte)(millimeters >> 8);
        Registers[Vl53L0XRanger.ResultRangeStatus + 11] = (byte)millimeters;
        Registers[Vl53L0XRanger.ResultInterruptStatus] = 0x04;
        Measurements++;
    }

    private byte[] Page(byte page)
    {
        if (!_pages.TryGetValue(page, out var registers))
        {
            registers = new byte[256];
            _pages[page] = registers;
        }

        return registers;
    }
}
