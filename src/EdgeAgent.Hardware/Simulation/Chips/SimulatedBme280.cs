using EdgeAgent.Hardware.Sensors.Ambient;
using UnitsNet;

namespace EdgeAgent.Hardware.Simulation.Chips;

/// <summary>
/// A BME280 register map (BST-BME280-DS002) seeded with the datasheet's compensation example (section 8, Bosch's
/// sample: dig_T1..T3 = 27504, 26435, -1000 and dig_P1..P9 = 36477, -10685, 3024, 2855, 140, -7, 15500, -14600, 6000;
/// adc_T = 519888 gives 25.08 deg C, adc_P = 415148 gives 100653 Pa) and humidity trimming values typical of a
/// real part. A forced- or normal-mode write to ctrl_meas "measures": the ADC values below (or <see cref="SetConditions"/>'
/// inverse of the compensation) land in the data registers, 0x80000 / 0x8000 for a skipped channel (section 4.2.3).
/// </summary>
public sealed class SimulatedBme280 : RegisterMapI2cDevice
{
    public const ushort DigT1 = 27504;
    public const short DigT2 = 26435;
    public const short DigT3 = -1000;
    public const ushort DigP1 = 36477;
    public const short DigP2 = -10685;
    public const short DigP3 = 3024;
    public const short DigP4 = 2855;
    public const short DigP5 = 140;
    public const short DigP6 = -7;
    public const short DigP7 = 15500;
    public const short DigP8 = -14600;
    public const short DigP9 = 6000;
    public const byte DigH1 = 75;
    public const short DigH2 = 362;
    public const byte DigH3 = 0;
    public const short DigH4 = 324;
    public const short DigH5 = 50;
    public const sbyte DigH6 = 30;

    /// <summary>The datasheet's example ADC values (section 8.1 / 8.2).</summary>
    public const int DatasheetAdcT = 519888;
    public const int DatasheetAdcP = 415148;

    public SimulatedBme280(int address = 0x76, int busId = 1) : base(address, busId)
    {
        Registers[Bme280Sensor.ChipIdRegister] = Bme280Sensor.ChipId;
        SeedTrimming();
        PowerOnReset();
        AdcTemperature = DatasheetAdcT;
        AdcPressure = DatasheetAdcP;
        AdcHumidity = 0x6000;
    }

    /// <summary>adc_T the next measurement yields (20 bits).</summary>
    public int AdcTemperature { get; set; }

    /// <summary>adc_P the next measurement yields (20 bits).</summary>
    public int AdcPressure { get; set; }

    /// <summary>adc_H the next measurement yields (16 bits).</summary>
    public int AdcHumidity { get; set; }

    /// <summary>True: a started measurement never finishes (status.measuring stays set, the data registers keep what they had).</summary>
    public bool Stalled { get; set; }

    /// <summary>Measurements made so far.</summary>
    public int Measurements { get; private set; }

    /// <summary>What chip_id (0xD0) reads; set it to play another chip (a BMP280 reads 0x58).</summary>
    public byte ChipId
    {
        get => Registers[Bme280Sensor.ChipIdRegister];
        set => Registers[Bme280Sensor.ChipIdRegister] = value;
    }

    /// <summary>Sets the world: the ADC values whose compensation (datasheet section 8.1, double precision) is closest to these.</summary>
    public void SetConditions(Temperature temperature, Pressure pressure, RelativeHumidity humidity)
    {
        AdcTemperature = Invert(adc => CompensateTemperature(adc, out _), temperature.DegreesCelsius, 0, (1 << 20) - 1);
        CompensateTemperature(AdcTemperature, out var fine);
        AdcPressure = Invert(adc => CompensatePressure(adc, fine), pressure.Pascals, 0, (1 << 20) - 1);
        AdcHumidity = Invert(adc => CompensateHumidity(adc, fine), humidity.Percent, 0, 0xFFFF);
    }

    /// <summary>Section 8.1: temperature in deg C, and t_fine.</summary>
    public static double CompensateTemperature(int adcT, out double fine)
    {
        var var1 = ((adcT / 16384.0) - (DigT1 / 1024.0)) * DigT2;
        var var2 = ((adcT / 131072.0) - (DigT1 / 8192.0)) * ((adcT / 131072.0) - (DigT1 / 8192.0)) * DigT3;
        fine = var1 + var2;
        return fine / 5120.0;
    }

    /// <summary>Section 8.1: pressure in Pa.</summary>
    public static double CompensatePressure(int adcP, double fine)
    {
        var var1 = (fine / 2.0) - 64000.0;
        var var2 = var1 * var1 * DigP6 / 32768.0;
        var2 += var1 * DigP5 * 2.0;
        var2 = (var2 / 4.0) + (DigP4 * 65536.0);
        var1 = ((DigP3 * var1 * var1 / 524288.0) + (DigP2 * var1)) / 524288.0;
        var1 = (1.0 + (var1 / 32768.0)) * DigP1;
        if (var1 == 0)
        {
            return 0;
        }

        var p = 1048576.0 - adcP;
        p = (p - (var2 / 4096.0)) * 6250.0 / var1;
        var1 = DigP9 * p * p / 2147483648.0;
        var2 = p * DigP8 / 32768.0;
        return p + ((var1 + var2 + DigP7) / 16.0);
    }

    /// <summary>Section 8.1: relative humidity in %, clamped to 0..100.</summary>
    public static double CompensateHumidity(int adcH, double fine)
    {
        var h = fine - 76800.0;
        h = (adcH - ((DigH4 * 64.0) + (DigH5 / 16384.0 * h))) *
            (DigH2 / 65536.0 * (1.0 + (DigH6 / 67108864.0 * h * (1.0 + (DigH3 / 67108864.0 * h)))));
        h *= 1.0 - (DigH1 * h / 524288.0);
        return Math.Clamp(h, 0, 100);
    }

    protected override void WriteRegister(byte address, byte value)
    {
        switch (address)
        {
            case Bme280Sensor.ChipIdRegister or Bme280Sensor.Status:
                return; // read-only
            case Bme280Sensor.ResetRegister:
                if (value == 0xB6)
                {
                    PowerOnReset();
                }

                return;
            case Bme280Sensor.CtrlMeas:
                base.WriteRegister(address, value);
                if ((value & 0x03) != 0)
                {
                    Measure();
                }

                return;
            default:
                base.WriteRegister(address, value);
                return;
        }
    }

    protected override byte ReadRegister(byte address)
    {
        // Normal mode measures continuously: a burst from press_msb sees the latest measurement.
        if (address == Bme280Sensor.PressMsb && (Registers[Bme280Sensor.CtrlMeas] & 0x03) == 0x03)
        {
            Measure();
        }

        return base.ReadRegister(address);
    }

    private void Measure()
    {
        if (Stalled)
        {
            Registers[Bme280Sensor.Status] = 0x08; // measuring
            return;
        }

        var ctrlMeas = Registers[Bme280Sensor.CtrlMeas];
        var adcT = (ctrlMeas >> 5) == 0 ? 0x80000 : AdcTemperature;
        var adcP = ((ctrlMeas >> 2) & 0x07) == 0 ? 0x80000 : AdcPressure;
        var adcH = (Registers[Bme280Sensor.CtrlHum] & 0x07) == 0 ? 0x8000 : AdcHumidity;
        Put20(Bme280Sensor.PressMsb, adcP);
        Put20(Bme280Sensor.PressMsb + 3, adcT);
        Registers[Bme280Sensor.PressMsb + 6] = (byte)(adcH >> 8);
        Registers[Bme280Sensor.PressMsb + 7] = (byte)adcH;
        Registers[Bme280Sensor.Status] = 0x00;
        Measurements++;
        if ((ctrlMeas & 0x03) is 0x01 or 0x02)
        {
            Registers[Bme280Sensor.CtrlMeas] = (byte)(ctrlMeas & 0xFC); // forced mode returns to sleep (section 3.3.3)
        }
    }

    private void PowerOnReset()
    {
        // Reset values (datasheet table 18): control registers 0, data registers 0x80000 / 0x8000.
        Registers[Bme280Sensor.CtrlHum] = 0;
        Registers[Bme280Sensor.Status] = 0;
        Registers[Bme280Sensor.CtrlMeas] = 0;
        Registers[Bme280Sensor.CtrlMeas + 1] = 0;
        Put20(Bme280Sensor.PressMsb, 0x80000);
        Put20(Bme280Sensor.PressMsb + 3, 0x80000);
        Registers[Bme280Sensor.PressMsb + 6] = 0x80;
        Registers[Bme280Sensor.PressMsb + 7] = 0x00;
    }

    private void Put20(int address, int adc)
    {
        Registers[address] = (byte)(adc >> 12);
        Registers[address + 1] = (byte)(adc >> 4);
        Registers[address + 2] = (byte)((adc & 0x0F) << 4);
    }

    private void SeedTrimming()
    {
        // 0x88..0xA1: dig_T1..dig_P9 little-endian, dig_H1; 0xE1..0xE7: dig_H2..dig_H6 (datasheet table 16).
        ReadOnlySpan<int> words = [DigT1, DigT2, DigT3, DigP1, DigP2, DigP3, DigP4, DigP5, DigP6, DigP7, DigP8, DigP9];
        for (var i = 0; i < words.Length; i++)
        {
            Registers[0x88 + (2 * i)] = (byte)words[i];
            Registers[0x89 + (2 * i)] = (byte)(words[i] >> 8);
        }

        Registers[0xA1] = DigH1;
        Registers[0xE1] = unchecked((byte)DigH2);
        Registers[0xE2] = (byte)(DigH2 >> 8);
        Registers[0xE3] = DigH3;
        Registers[0xE4] = (byte)(DigH4 >> 4);
        Registers[0xE5] = (byte)((DigH4 & 0x0F) | ((DigH5 & 0x0F) << 4));
        Registers[0xE6] = (byte)(DigH5 >> 4);
        Registers[0xE7] = (byte)DigH6;
    }

    /// <summary>The ADC value in [lo, hi] whose compensation is closest to <paramref name="target"/>; compensation is monotonic (pressure falls as adc_P rises).</summary>
    private static int Invert(Func<int, double> compensate, double target, int lo, int hi)
    {
        var rising = compensate(hi) >= compensate(lo);
        while (hi - lo > 1)
        {
            var mid = lo + ((hi - lo) / 2);
            if ((compensate(mid) < target) == rising)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return Math.Abs(compensate(lo) - target) <= Math.Abs(compensate(hi) - target) ? lo : hi;
    }
}
