using EdgeAgent.Core.Replay;
using EdgeAgent.Hardware.Sensors;

namespace EdgeAgent.Hardware.Replay;

/// <summary>
/// A sensor played back from a recorded trace (read by Core's <see cref="TraceReader"/>), standing in for the real one
/// behind the same port. The trace's time runs on the injected <see cref="TimeProvider"/> from construction: a read at
/// elapsed time t returns the latest line with <c>t_ms</c> at or before t, parsed into the reading. It is false when that line recorded a failed read
/// (<c>"valid":false</c>), before the first line, after the trace ended, and when the latest line is older than
/// <see cref="StaleAfter"/> (a gap in the recording is no data, never a held old value).
/// </summary>
public sealed class ReplaySensor<TReading> : ISensor<TReading>
{
    private readonly TraceReader _trace;
    private readonly TimeProvider _time;
    private readonly Func<TraceLine, TReading> _parse;
    private readonly long _start;
    private TraceLine? _current;
    private TraceLine? _next;
    private TReading? _parsed;
    private int _parsedLine = -1;

    internal ReplaySensor(string path, string name, string kind, TimeProvider time, Func<TraceLine, TReading> parse, TimeSpan staleAfter)
    {
        ArgumentNullException.ThrowIfNull(time);
        Name = name;
        StaleAfter = staleAfter;
        _time = time;
        _parse = parse;
        _trace = new TraceReader(path, name, kind);
        _start = time.GetTimestamp();
        _next = _trace.Next();
    }

    public string Name { get; }

    /// <summary>How long a recorded line stands for the sensor's value; older, the read is false.</summary>
    public TimeSpan StaleAfter { get; }

    public bool TryRead(out TReading reading)
    {
        var elapsed = (long)_time.GetElapsedTime(_start).TotalMilliseconds;
        while (_next is not null && _next.TimeMs <= elapsed)
        {
            _current = _next;
            _next = _trace.Next();
        }

        reading = default!;
        if (_current is not { Valid: true } line || elapsed - line.TimeMs > StaleAfter.TotalMilliseconds)
        {
            return false;
        }

        if (_parsedLine != line.Number)
        {
            _parsed = _parse(line);
            _parsedLine = line.Number;
        }

        reading = _parsed!;
        return true;
    }

    public void Dispose() => _trace.Dispose();
}
