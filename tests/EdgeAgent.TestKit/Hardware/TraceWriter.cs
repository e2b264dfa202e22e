using System.Buffers;
using System.Text;
using System.Text.Json;

namespace EdgeAgent.TestKit.Hardware;

/// <summary>
/// What one trace line of a sensor carries (<c>hardware/TRACES.md</c>): its <c>kind</c> and fields with the units in
/// their names, or a failed read (<c>"valid": false</c>). Build with the factory of the kind.
/// </summary>
public sealed class TraceSample
{
    private TraceSample(string kind, bool valid, params (string Name, object? Value)[] fields)
    {
        Kind = kind;
        Valid = valid;
        Fields = [.. fields.Where(f => f.Value is not null).Select(f => new KeyValuePair<string, object>(f.Name, f.Value!))];
    }

    public string Kind { get; }

    /// <summary>False: the read failed at that moment (the line is <c>{"valid":false}</c> and has no fields).</summary>
    public bool Valid { get; }

    /// <summary>Numbers (<see cref="double"/>) or arrays of numbers (<see cref="double"/>[]), in the line's order.</summary>
    public IReadOnlyList<KeyValuePair<string, object>> Fields { get; }

    /// <summary>An IMU reading: acceleration in g (1 g on z at rest, face up), rotation in deg/s.</summary>
    public static TraceSample Motion(double ax = 0, double ay = 0, double az = 1, double gx = 0, double gy = 0, double gz = 0, double? tempC = null) =>
        new("motion", true, ("ax_g", ax), ("ay_g", ay), ("az_g", az), ("gx_dps", gx), ("gy_dps", gy), ("gz_dps", gz), ("temp_c", tempC));

    public static TraceSample Environment(double tempC, double pressureHpa = 1013.25, double? humidityPct = null) =>
        new("environment", true, ("temp_c", tempC), ("pressure_hpa", pressureHpa), ("humidity_pct", humidityPct));

    /// <summary>A power monitor: bus voltage and the current into the load.</summary>
    public static TraceSample Power(double busV, double currentA) => new("power", true, ("bus_v", busV), ("current_a", currentA));

    /// <summary>A fuel gauge: cell voltage, state of charge and the charge rate (positive while charging).</summary>
    public static TraceSample Battery(double cellV, double socPct, double? ratePctH = null) =>
        new("battery", true, ("cell_v", cellV), ("soc_pct", socPct), ("rate_pct_h", ratePctH));

    /// <summary>An ADC: volts per channel, ch0 first.</summary>
    public static TraceSample Adc(params double[] chV) => new("adc", true, ("ch_v", chV));

    /// <summary>A PWM driver: duty cycle per channel, 0 to 1.</summary>
    public static TraceSample Pwm(params double[] duty) => new("pwm", true, ("duty", duty));

    public static TraceSample Distance(double meters) => new("distance", true, ("distance_m", meters));

    /// <summary>A GNSS fix (<paramref name="quality"/> left out: 1, GPS; 0 records "no fix").</summary>
    public static TraceSample Gnss(double latDeg, double lonDeg, double altM, double speedMps, int sats = 10, int? quality = null) =>
        new("gnss", true, ("lat_deg", latDeg), ("lon_deg", lonDeg), ("alt_m", altM), ("speed_mps", speedMps), ("sats", (double)sats), ("quality", quality is { } q ? (double)q : null));

    /// <summary>A failed read of a sensor of <paramref name="kind"/> (CRC error, not ready, out of range).</summary>
    public static TraceSample Invalid(string kind) => new(kind, false);

    /// <summary>The product's button (sensor <c>button</c>): down or up from the line's time on.</summary>
    public static TraceSample Button(bool pressed) => new("button", true, ("pressed", pressed ? 1.0 : 0.0));

    /// <summary>A camera frame: an image file, relative to the trace's directory (or absolute).</summary>
    public static TraceSample Image(string file) => new("image", true, ("file", file));

    /// <summary>A microphone recording: a WAV file played from the line's time on.</summary>
    public static TraceSample Audio(string file) => new("audio", true, ("file", file));
}

/// <summary>
/// Writes a recorded trace (<c>ea/v1/trace</c>, JSON Lines, <c>hardware/TRACES.md</c>) from a script: per sensor a
/// <see cref="TraceTrack"/> of segments, each a half-open span <c>[from, to)</c> of milliseconds with a line every
/// period of the track from <c>from</c> on. <see cref="Write"/> merges the tracks by <c>t_ms</c> (at equal times in
/// the order the tracks were added), as the trace format wants, after a header line.
/// </summary>
public sealed class TraceWriter
{
    private readonly List<TraceTrack> _tracks = [];

    public TraceWriter(string product, string? note = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(product);
        Product = product;
        Note = note;
    }

    public string Product { get; }

    public string? Note { get; }

    /// <summary>A new track for the sensor <paramref name="sensor"/> (its id in the product profile), a line every <paramref name="periodMs"/>.</summary>
    public TraceTrack Sensor(string sensor, int periodMs)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sensor);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(periodMs);
        if (_tracks.Any(t => t.Sensor == sensor))
        {
            throw new ArgumentException($"sensor '{sensor}' already has a track", nameof(sensor));
        }

        var track = new TraceTrack(sensor, periodMs);
        _tracks.Add(track);
        return track;
    }

    /// <summary>Writes the trace to <paramref name="path"/>; returns the number of lines, the header included.</summary>
    public int Write(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var lines = _tracks
            .SelectMany((track, index) => track.Lines().Select(line => (line.TimeMs, Track: index, line.Sample)))
            .OrderBy(l => l.TimeMs)
            .ThenBy(l => l.Track) // OrderBy is stable: within a track the lines keep their order
            .ToList();
        using var file = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { NewLine = "\n" };
        var buffer = new ArrayBufferWriter<byte>(256);
        file.WriteLine(Json(buffer, w =>
        {
            w.WriteString("trace", "ea/v1/trace");
            w.WriteString("product", Product);
            if (Note is not null)
            {
                w.WriteString("note", Note);
            }
        }));
        foreach (var (timeMs, track, sample) in lines)
        {
            file.WriteLine(Json(buffer, w =>
            {
                w.WriteNumber("t_ms", timeMs);
                w.WriteString("sensor", _tracks[track].Sensor);
                w.WriteString("kind", sample.Kind);
                if (!sample.Valid)
                {
                    w.WriteBoolean("valid", false);
                }

                foreach (var (name, value) in sample.Fields)
                {
                    switch (value)
                    {
                        case double number:
                            w.WriteNumber(name, number);
                            break;
                        case string text:
                            w.WriteString(name, text);
                            break;
                        case double[] numbers:
                            w.WriteStartArray(name);
                            foreach (var n in numbers)
                            {
                                w.WriteNumberValue(n);
                            }

                            w.WriteEndArray();
                            break;
                        default:
                            throw new InvalidOperationException($"field '{name}' holds a {value.GetType().Name}; a trace field is a number or an array of numbers");
                    }
                }
            }));
        }

        return lines.Count + 1;
    }

    private static string Json(ArrayBufferWriter<byte> buffer, Action<Utf8JsonWriter> body)
    {
        buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}

/// <summary>
/// One sensor's lines in a <see cref="TraceWriter"/>: segments in time order, each <c>[fromMs, toMs)</c> with a line
/// at <c>fromMs</c>, <c>fromMs + period</c>, ... before <c>toMs</c>. Time not covered by a segment has no lines (a gap
/// in the recording: the replayed sensor has no reading there once the last line is stale). Every line of a track is
/// of one kind.
/// </summary>
public sealed class TraceTrack
{
    private readonly List<(long From, long To, Func<long, TraceSample> At)> _segments = [];
    private string? _kind;

    internal TraceTrack(string sensor, int periodMs)
    {
        Sensor = sensor;
        PeriodMs = periodMs;
    }

    public string Sensor { get; }

    public int PeriodMs { get; }

    /// <summary>The same sample on every line of <c>[fromMs, toMs)</c>.</summary>
    public TraceTrack Constant(long fromMs, long toMs, TraceSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        return Segment(fromMs, toMs, _ => sample);
    }

    /// <summary>The samples of <paramref name="cycle"/> in turn, line by line, the first at <c>fromMs</c>.</summary>
    public TraceTrack Alternating(long fromMs, long toMs, params TraceSample[] cycle)
    {
        ArgumentNullException.ThrowIfNull(cycle);
        ArgumentOutOfRangeException.ThrowIfZero(cycle.Length);
        return Segment(fromMs, toMs, t => cycle[(int)((t - fromMs) / PeriodMs % cycle.Length)]);
    }

    /// <summary>The sample <paramref name="sampleAt"/> gives for each line's time in milliseconds since the trace start.</summary>
    public TraceTrack Segment(long fromMs, long toMs, Func<long, TraceSample> sampleAt)
    {
        ArgumentNullException.ThrowIfNull(sampleAt);
        ArgumentOutOfRangeException.ThrowIfNegative(fromMs);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(toMs, fromMs);
        if (_segments.Count > 0 && fromMs < _segments[^1].To)
        {
            throw new ArgumentOutOfRangeException(nameof(fromMs), fromMs, $"sensor '{Sensor}': a segment from {fromMs} ms overlaps the previous one, which ends at {_segments[^1].To} ms");
        }

        _segments.Add((fromMs, toMs, sampleAt));
        return this;
    }

    internal IEnumerable<(long TimeMs, TraceSample Sample)> Lines()
    {
        foreach (var (from, to, at) in _segments)
        {
            for (var t = from; t < to; t += PeriodMs)
            {
                var sample = at(t);
                _kind ??= sample.Kind;
                if (sample.Kind != _kind)
                {
                    throw new InvalidOperationException($"sensor '{Sensor}': a line of kind '{sample.Kind}' at {t} ms in a track of kind '{_kind}'");
                }

                yield return (t, sample);
            }
        }
    }
}
