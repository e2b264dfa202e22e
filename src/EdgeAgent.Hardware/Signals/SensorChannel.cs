using EdgeAgent.Hardware.Sensors;

namespace EdgeAgent.Hardware.Signals;

/// <summary>Receives a signal sample: <c>{sensor}.{quantity}</c>, its value, and the monotonic timestamp it was read at.</summary>
public delegate void SignalSink(string signal, double value, long timestamp);

/// <summary>What one sampling of a sensor gave.</summary>
public enum SampleOutcome
{
    /// <summary>A valid reading; its signals went to the sink.</summary>
    Reading,

    /// <summary>The sensor had no valid value (not ready, CRC error, no fix): no signal, nothing stale.</summary>
    NoReading,

    /// <summary>The bus failed (NACK, device gone): see <see cref="SensorChannel.LastFault"/>.</summary>
    BusFault,
}

/// <summary>
/// One sensor of the product as the monitor samples it: its kind, its sampling period, and the projection of its typed
/// reading onto the signals the mode and fault rules name (the table in <c>hardware/README.md</c>).
/// </summary>
public abstract class SensorChannel : IDisposable
{
    protected SensorChannel(string name, string kind, TimeSpan period)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(period, TimeSpan.Zero);
        Name = name;
        Kind = kind;
        Period = period;
    }

    public string Name { get; }

    public string Kind { get; }

    public TimeSpan Period { get; }

    /// <summary>The bus fault of the last <see cref="SampleOutcome.BusFault"/>.</summary>
    public IOException? LastFault { get; protected set; }

    /// <summary>Reads the sensor once and sends each signal of a valid reading to <paramref name="sink"/>.</summary>
    public abstract SampleOutcome Sample(long timestamp, SignalSink sink);

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }
}

/// <summary>A sensor of reading type <typeparamref name="TReading"/> and its projection.</summary>
public sealed class SensorChannel<TReading> : SensorChannel
{
    private readonly ISensor<TReading> _sensor;
    private readonly ISignalProjection<TReading> _projection;
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);

    public SensorChannel(ISensor<TReading> sensor, string kind, TimeSpan period, ISignalProjection<TReading> projection)
        : base(sensor?.Name ?? throw new ArgumentNullException(nameof(sensor)), kind, period)
    {
        ArgumentNullException.ThrowIfNull(projection);
        _sensor = sensor;
        _projection = projection;
    }

    public override SampleOutcome Sample(long timestamp, SignalSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        TReading reading;
        try
        {
            if (!_sensor.TryRead(out reading))
            {
                return SampleOutcome.NoReading;
            }
        }
        catch (IOException e)
        {
            LastFault = e;
            return SampleOutcome.BusFault;
        }

        _projection.Project(reading, timestamp, (quantity, value) => sink(FullName(quantity), value, timestamp));
        return SampleOutcome.Reading;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _sensor.Dispose();
        }

        base.Dispose(disposing);
    }

    private string FullName(string quantity)
    {
        if (!_names.TryGetValue(quantity, out var name))
        {
            _names[quantity] = name = $"{Name}.{quantity}";
        }

        return name;
    }
}
