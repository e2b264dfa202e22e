using System.Text.Json;
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
        new(path, name, "motion", time, (f, error) => new MotionReading(
            Acceleration.FromStandardGravity(Number(f, "ax_g", error)), Acceleration.FromStandardGravity(Number(f, "ay_g", error)), Acceleration.FromStandardGravity(Number(f, "az_g", error)),
            RotationalSpeed.FromDegreesPerSecond(Number(f, "gx_dps", error)), RotationalSpeed.FromDegreesPerSecond(Number(f, "gy_dps", error)), RotationalSpeed.FromDegreesPerSecond(Number(f, "gz_dps", error)),
            Optional(f, "temp_c", error) is { } t ? Temperature.FromDegreesCelsius(t) : null), staleAfter ?? DefaultStaleAfter);

    public static ReplaySensor<EnvironmentReading> Environment(string path, string name, TimeProvider time, TimeSpan? staleAfter = null) =>
        new(path, name, "environment", time, (f, error) => new EnvironmentReading(
            Temperature.FromDegreesCelsius(Number(f, "temp_c", error)), Pressure.FromHectopascals(Number(f, "pressure_hpa", error)),
            Optional(f, "humidity_pct", error) is { } h ? RelativeHumidity.FromPercent(h) : null), staleAfter ?? DefaultStaleAfter);

    public static ReplaySensor<PowerReading> Power(string path, string name, TimeProvider time, TimeSpan? staleAfter = null) =>
        new(path, name, "power", time, (f, error) =>
        {
            var volts = Number(f, "bus_v", error);
            var amps = Number(f, "current_a", error);
            return new PowerReading(ElectricPotential.FromVolts(volts), ElectricCurrent.FromAmperes(amps), UnitsNet.Power.FromWatts(Optional(f, "power_w", error) ?? volts * amps));
        }, staleAfter ?? DefaultStaleAfter);

    public static ReplaySensor<BatteryReading> Battery(string path, string name, TimeProvider time, TimeSpan? staleAfter = null) =>
        new(path, name, "battery", time, (f, error) => new BatteryReading(
            ElectricPotential.FromVolts(Number(f, "cell_v", error)), Ratio.FromPercent(Number(f, "soc_pct", error)),
            Optional(f, "rate_pct_h", error) is { } r ? RatioChangeRate.FromPercentsPerSecond(r / 3600) : null), staleAfter ?? DefaultStaleAfter);

    public static ReplaySensor<AdcReading> Adc(string path, string name, TimeProvider time, TimeSpan? staleAfter = null) =>
        new(path, name, "adc", time, (f, error) => new AdcReading([.. Numbers(f, "ch_v", error).Select(v => ElectricPotential.FromVolts(v))]), staleAfter ?? DefaultStaleAfter);

    public static ReplaySensor<PwmReading> Pwm(string path, string name, TimeProvider time, TimeSpan? staleAfter = null) =>
        new(path, name, "pwm", time, (f, error) =>
        {
            var duty = Numbers(f, "duty", error);
            return duty.Any(d => d is < 0 or > 1) ? throw error("field 'duty' must hold duty cycles from 0 to 1") : new PwmReading(duty);
        }, staleAfter ?? DefaultStaleAfter);

    public static ReplaySensor<DistanceReading> Distance(string path, string name, TimeProvider time, TimeSpan? staleAfter = null) =>
        new(path, name, "distance", time, (f, error) => new DistanceReading(Length.FromMeters(Number(f, "distance_m", error))), staleAfter ?? DefaultStaleAfter);

    /// <summary>A GNSS line with <c>quality</c> 0 records "no fix": the replayed receiver then has no reading, as the real one.</summary>
    public static ISensor<GnssReading> Gnss(string path, string name, TimeProvider time, TimeSpan? staleAfter = null) =>
        new NoFixIsNoReading(new ReplaySensor<GnssReading>(path, name, "gnss", time, (f, error) =>
        {
            var quality = Optional(f, "quality", error) ?? 1;
            if (!Enum.IsDefined((GnssFixQuality)(int)quality))
            {
                throw error("field 'quality' must be a GGA fix quality: 0 (none), 1 (GPS), 2 (differential), 4 (RTK), 5 (float RTK) or 6 (estimated)");
            }

            return new GnssReading(Angle.FromDegrees(Number(f, "lat_deg", error)), Angle.FromDegrees(Number(f, "lon_deg", error)),
                Length.FromMeters(Number(f, "alt_m", error)), Speed.FromMetersPerSecond(Number(f, "speed_mps", error)),
                (int)Number(f, "sats", error), (GnssFixQuality)(int)quality, null);
        }, staleAfter ?? DefaultStaleAfter));

    private static double Number(JsonElement fields, string name, Func<string, Exception> error) =>
        Optional(fields, name, error) ?? throw error($"field '{name}' is missing (a number)");

    private static double? Optional(JsonElement fields, string name, Func<string, Exception> error)
    {
        if (!fields.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && double.IsFinite(value.GetDouble())
            ? value.GetDouble()
            : throw error($"field '{name}' must be a number, not {value.ValueKind.ToString().ToLowerInvariant()}");
    }

    private static double[] Numbers(JsonElement fields, string name, Func<string, Exception> error)
    {
        if (!fields.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
        {
            throw error($"field '{name}' must be a non-empty array of numbers");
        }

        return [.. value.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw error($"field '{name}' must hold numbers only"))];
    }

    private sealed class NoFixIsNoReading(ReplaySensor<GnssReading> inner) : ISensor<GnssReading>
    {
        public string Name => inner.Name;

        public bool TryRead(out GnssReading reading) => inner.TryRead(out reading) && reading.Quality != GnssFixQuality.None;

        public void Dispose() => inner.Dispose();
    }
}
