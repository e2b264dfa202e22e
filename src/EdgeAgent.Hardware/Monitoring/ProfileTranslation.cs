using EdgeAgent.Core.Faults;
using EdgeAgent.Core.Modes;
using EdgeAgent.Hardware.Profiles;
using EdgeAgent.Hardware.Sensors;
using EdgeAgent.Hardware.Sensors.Adc;
using EdgeAgent.Hardware.Sensors.Imu;
using UnitsNet;
using CoreModeState = EdgeAgent.Core.Modes.ModeState;

namespace EdgeAgent.Hardware.Monitoring;

/// <summary>
/// A validated product profile's <c>modes</c>, <c>faults</c> and chip <c>settings</c> as the runtime types of Core and of
/// the bindings. The loader already checked every name and number, so a failure here is a bug, not bad input.
/// </summary>
public static class ProfileTranslation
{
    public static ModeSpec Modes(ProductProfile product)
    {
        ArgumentNullException.ThrowIfNull(product);
        var modes = product.Modes;
        return new ModeSpec(
            TimeSpan.FromMilliseconds(modes.EvaluateMs),
            new Core.Modes.ModeDefault(modes.Default.Name, ModeTerms.ParseClass(modes.Default.Class)),
            [.. modes.States.Select(s => new CoreModeState(
                s.Name, ModeTerms.ParseClass(s.Class), [.. s.All.Select(Condition)], [.. s.Any.Select(Condition)], TimeSpan.FromSeconds(s.EnterS), s.Session))]);
    }

    public static IReadOnlyList<ThresholdFault> Faults(ProductProfile product)
    {
        ArgumentNullException.ThrowIfNull(product);
        return [.. product.Faults.Select(f =>
        {
            var subsystem = FaultTerms.ParseSubsystem(f.Subsystem);
            var severity = FaultTerms.ParseSeverity(f.Severity);
            var hold = TimeSpan.FromSeconds(f.ForS);
            return f.RaiseAbove is { } above
                ? ThresholdFault.Above(f.Code, subsystem, f.Signal, above, f.ClearBelow!.Value, hold, severity, f.Relevant)
                : ThresholdFault.Below(f.Code, subsystem, f.Signal, f.RaiseBelow!.Value, f.ClearAbove!.Value, hold, severity, f.Relevant);
        })];
    }

    /// <summary>The profile's <c>settings</c> of an I2C sensor (names in <see cref="ProfileVocabulary.ChipSettings"/>).</summary>
    public static I2cChipSettings ChipSettings(ProductSensor sensor)
    {
        ArgumentNullException.ThrowIfNull(sensor);
        var s = sensor.Settings;
        return new I2cChipSettings
        {
            Accelerometer = s.TryGetValue("accel_range_g", out var g) ? g switch { 2 => AccelerometerFullScale.G2, 4 => AccelerometerFullScale.G4, 8 => AccelerometerFullScale.G8, _ => AccelerometerFullScale.G16 } : null,
            Gyroscope = s.TryGetValue("gyro_range_dps", out var dps) ? dps switch { 250 => GyroscopeFullScale.Dps250, 500 => GyroscopeFullScale.Dps500, 1000 => GyroscopeFullScale.Dps1000, _ => GyroscopeFullScale.Dps2000 } : null,
            Shunt = s.TryGetValue("shunt_ohms", out var ohms) ? ElectricResistance.FromOhms(ohms) : null,
            MaxCurrent = s.TryGetValue("max_current_a", out var amps) ? ElectricCurrent.FromAmperes(amps) : null,
            AdcFullScale = s.TryGetValue("full_scale_v", out var fs) ? fs switch
            {
                6.144 => AdcFullScale.Fs6144,
                4.096 => AdcFullScale.Fs4096,
                2.048 => AdcFullScale.Fs2048,
                1.024 => AdcFullScale.Fs1024,
                0.512 => AdcFullScale.Fs512,
                _ => AdcFullScale.Fs256,
            } : null,
            PwmFrequency = s.TryGetValue("frequency_hz", out var hz) ? Frequency.FromHertz(hz) : null,
        };
    }

    private static Condition Condition(ModeCondition c) =>
        new(c.Signal, ModeTerms.ParseOp(c.Op), c.Value, ModeTerms.ParseStat(c.Stat), TimeSpan.FromSeconds(c.WindowS));
}
