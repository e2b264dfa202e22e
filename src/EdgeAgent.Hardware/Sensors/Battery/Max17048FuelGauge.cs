using System.Device.I2c;
using EdgeAgent.Hardware.Sensors.Bus;
using UnitsNet;

namespace EdgeAgent.Hardware.Sensors.Battery;

/// <summary>
/// MAX17048 single-cell ModelGauge fuel gauge (Maxim MAX17048/MAX17049 datasheet 19-6171, register table). Not in
/// Iot.Device.Bindings 4.2.0, so written from the datasheet: identity from VERSION (0x08), which reads 0x001X on
/// this family; cell voltage from VCELL (0x02, 78.125 uV/LSB), state of charge from SOC (0x04, 1/256 %/LSB) and its
/// rate from CRATE (0x16, signed, 0.208 %/hr/LSB). The gauge converts on its own every 250 ms (1 s in hibernate);
/// VCELL reads 0 only before its first conversion after power-on, which is no value (TryRead false).
/// </summary>
public sealed class Max17048FuelGauge : ISensor<BatteryReading>
{
    internal const byte Vcell = 0x02;
    internal const byte Soc = 0x04;
    internal const byte Mode = 0x06;
    internal const byte Version = 0x08;
    internal const byte Config = 0x0C;
    internal const byte Crate = 0x16;
    internal const byte Status = 0x1A;

    /// <summary>VCELL LSB: 78.125 uV (datasheet register table; the MAX17043's 12-bit 1.25 mV VCELL scales the same over the whole word).</summary>
    public const double VcellMicrovoltsPerLsb = 78.125;

    /// <summary>CRATE LSB: 0.208 % per hour, signed (positive while charging).</summary>
    public const double CratePercentPerHourPerLsb = 0.208;

    private readonly ChipDevice _device;

    public Max17048FuelGauge(I2cDevice device, string name)
    {
        ArgumentNullException.ThrowIfNull(device);
        _device = new ChipDevice(device, name, "MAX17048");
        var version = _device.ReadRegister16(Version);
        if ((version & 0xFFF0) != 0x0010)
        {
            throw _device.NotThisChip("VERSION (0x08)", "0x001X", $"0x{version:X4}");
        }

        ChipVersion = version;
    }

    public string Name => _device.Sensor;

    /// <summary>The VERSION register read at open.</summary>
    public ushort ChipVersion { get; }

    public bool TryRead(out BatteryReading reading)
    {
        reading = default;
        var vcell = _device.ReadRegister16(Vcell);
        if (vcell == 0)
        {
            return false;
        }

        var soc = _device.ReadRegister16(Soc);
        var crate = (short)_device.ReadRegister16(Crate);
        reading = new BatteryReading(
            ElectricPotential.FromMicrovolts(vcell * VcellMicrovoltsPerLsb),
            Ratio.FromPercent(soc / 256.0),
            RatioChangeRate.FromPercentsPerSecond(crate * CratePercentPerHourPerLsb / 3600.0));
        return true;
    }

    public void Dispose() => _device.Dispose();
}
