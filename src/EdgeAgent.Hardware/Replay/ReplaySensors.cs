using EdgeAgent.Hardware.Gpio;
using EdgeAgent.Hardware.Sensors;
using UnitsNet;

namespace EdgeAgent.Hardware.Replay;

/// <summary>
/// Opens a replayed sensor of a given kind, with the field names of <c>hardware/TRACES.md</c> (units in the names):
/// <c>motion</c> ax_g ay_g az_g gx_dps gy_dps gz_dps [temp_c]; <c>environment</c> temp_c pressure_hpa [humidity_pct];
/// <c>power</c> bus_v current_a [power_w]; <c>battery</c> cell_v soc_pct [rate_pct_h]; <c>adc</c> ch_v [..];
/// <c>pwm</c> duty [..] (0 to 1); <c>distance</c> distance_m; <c>gnss</c> lat_deg lon_deg alt_m speed_mps sats [quality]
/// (quality 0 is no fix: the read is false).
/// </summary>
public static class ReplaySensors
{
    /// <summary>The default time a recorded line stands for its sensor (a trace sampled at 1 Hz has a line every second).</summary>
    public static readonly TimeSpan DefaultStaleAfter = TimeSpan.FromSeconds(2);

    /// <summary>The sensor kinds a trace line can carry, with their reading types.</summary>
    public static IReadOnlyList<string> Kinds { get; } = ["motion", "environment", "power", "battery", "adc", "pwm", "distance", "gnss"];

    public static ReplaySensor<MotionReading> Motion(string path, string name, TimeProvider time, TimeSpan? staleAfter = null) =>
        new(path, name, "motion", time, l => new MotionReading(
            Acceleration.FromStandardGravity(l.GetNumber("ax_g")), Acceleration.FromStandardGravity(l.GetNumber("ay_g")), Acceleration.FromStandardGravity(l.GetNumber("az_g")),
            RotationalSpeed.FromDegreesPerSecond(l.GetNumber("gx_dps")), RotationalSpeed.FromDegreesPerSecond(l.GetNumber("gy_dps")), RotationalSpeed.FromDegreesPerSecond(l.GetNumber("gz_dps")),
            l.GetOptionalNumber("temp_c") is { } t ? Temperature.FromDegreesCelsius(t) : null), staleAfter ?? DefaultStaleAfter);

    public static ReplaySensor<EnvironmentReading> Environment(string path, string name, TimeProvider time, TimeSpan? staleAfter = null) =>
        new(path, name, "environment", time, l => new EnvironmentReading(
            Temperature.FromDegreesCelsius(l.GetNumber("temp_c")), Pressure.FromHectopascals(l.GetNumber("pressure_hpa")),
            l.GetOptionalNumber("humidity_pct") is { } h ? RelativeHumidity.FromPercent(h) : null), staleAfter ?? DefaultStaleAfter);

    public static ReplaySensor<PowerReading> Power(string path, string name, TimeProvider time, TimeSpan? staleAfter = null) =>
        new(path, name, "power", time, l =>
        {
            var volts = l.GetNumber("bus_v");
            var amps = l.GetNumber("current_a");
            return new PowerReading(ElectricPotential.FromVolts(volts), ElectricCurrent.FromAmperes(amps), UnitsNet.Power.FromWatts(l.GetOptionalNumber("power_w") ?? volts * amps));
        }, staleAfter ?? DefaultStaleAfter);

    public static ReplaySensor<BatteryReading> Battery(string path, string name, TimeProvider time, TimeSpan? staleAfter = null) =>
        new(path, name, "battery", time, l => new BatteryReading(
            ElectricPotential.FromVolts(l.GetNumber("cell_v")), Ratio.FromPercent(l.GetNumber("soc_pct")),
            l.GetOptionalNumber("rate_pct_h") is { } r ? RatioChangeRate.FromPercentsPerSecond(r / 3600) : null), staleAfter ?? DefaultStaleAfter);

    public static ReplaySensor<AdcReading> Adc(string path, string name, TimeProvider time, TimeSpan? staleAfter = null) =>
        new(path, name, "adc", time, l => new AdcReading([.. l.GetNumbers("ch_v").Select(v => ElectricPotential.FromVolts(v))]), staleAfter ?? DefaultStaleAfter);

    public static ReplaySensor<PwmReading> Pwm(string path, string name, TimeProvider time, TimeSpan? staleAfter = null) =>
        new(path, name, "pwm", time, l =>
        {
            var duty = l.GetNumbers("duty");
            return duty.Any(d => d is < 0 or > 1) ? throw l.Error("duty", "must hold duty cycles from 0 to 1") : new PwmReading(duty);
        }, staleAfter ?? DefaultStaleAfter);

    public static ReplaySensor<DistanceReading> Distance(string path, string name, TimeProvider time, TimeSpan? staleAfter = null) =>
        new(path, name, "distance", time, l => new DistanceReading(Length.FromMeters(l.GetNumber("distance_m"))), staleAfter ?? DefaultStaleAfter);

    /// <summary>A GNSS line with <c>quality</c> 0 records "no fix": the replayed receiver then has no reading, as the real one.</summary>
    public static ISensor<GnssReading> Gnss(string path, string name, TimeProvider time, TimeSpan? staleAfter = null) =>
        new NoFixIsNoReading(new ReplaySensor<GnssReading>(path, name, "gnss", time, l =>
        {
            var quality = l.GetOptionalNumber("quality") ?? 1;
            if (quality != Math.Floor(quality) || !Enum.IsDefined((GnssFixQuality)(int)quality))
            {
                throw l.Error("quality", "must be a GGA fix quality: 0 (none), 1 (GPS), 2 (differential), 4 (RTK), 5 (float RTK) or 6 (estimated)");
            }

            return new GnssReading(Angle.FromDegrees(l.GetNumber("lat_deg")), Angle.FromDegrees(l.GetNumber("lon_deg")),
                Length.FromMeters(l.GetNumber("alt_m")), Speed.FromMetersPerSecond(l.GetNumber("speed_mps")),
                (int)l.GetNumber("sats"), (GnssFixQuality)(int)quality, null);
        }, staleAfter ?? DefaultStaleAfter));

    /// <summary>
    /// The product's button (<c>controls.button</c>) played back: sensor <c>button</c>, kind <c>button</c>, field
    /// <c>pressed</c> (1 down, 0 up). A line holds until the next one (a press lasts as long as it was recorded), and
    /// the button is up before the first line and where the trace has none.
    /// </summary>
    public static IButton Button(string path, TimeProvider time) =>
        new ReplayedButton(new ReplaySensor<bool>(path, "button", "button", time, l => l.GetNumber("pressed") switch
        {
            0 => false,
            1 => true,
            _ => throw l.Error("pressed", "must be 1 (down) or 0 (up)"),
        }, TimeSpan.MaxValue));

    private sealed class ReplayedButton(ReplaySensor<bool> inner) : IButton, IDisposable
    {
        public bool IsPressed() => inner.TryRead(out var pressed) && pressed;

        public void Dispose() => inner.Dispose();
    }

    private sealed class NoFixIsNoReading(ReplaySensor<GnssReading> inner) : ISensor<GnssReading>
    {
        public string Name => inner.Name;

        public bool TryRead(out GnssReading reading) => inner.TryRead(out reading) && reading.Quality != GnssFixQuality.None;

        public void Dispose() => inner.Dispose();
    }
}
