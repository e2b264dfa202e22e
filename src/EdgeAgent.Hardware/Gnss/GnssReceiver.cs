using System.Text;
using EdgeAgent.Hardware.Sensors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeAgent.Hardware.Gnss;

/// <summary>
/// A GNSS receiver that speaks NMEA 0183 over a serial stream (a UART such as /dev/ttyAMA0 at 9600 baud: the composition
/// root opens <c>System.IO.Ports.SerialPort</c> and passes its <c>BaseStream</c>). A read loop, started here and owned by
/// this object until <see cref="Dispose"/>, parses GGA, RMC and VTG sentences and keeps the latest of each with its
/// arrival time; <see cref="TryRead"/> combines them into a fix. It is false with no fix (GGA quality 0, RMC status V),
/// when the newest GGA or RMC is older than the staleness limit (so a receiver that went quiet, or that only sends
/// sentences with bad checksums, reads as no fix), and once the stream has ended or failed.
/// </summary>
/// <remarks>
/// Health: <see cref="Health"/> and <see cref="Fault"/> tell a monitor why readings stopped. When the stream ends or
/// throws, the loop ends (it cannot reopen a port it does not own), <see cref="Health"/> becomes
/// <see cref="GnssHealth.Ended"/> or <see cref="GnssHealth.Faulted"/>, <see cref="Fault"/> is an
/// <see cref="IOException"/> naming the sensor (its inner exception is the stream's own), and <see cref="Completion"/>
/// completes. The owner then disposes this receiver and opens a new one on a new stream.
/// </remarks>
public sealed class GnssReceiver : ISensor<GnssReading>, IAsyncDisposable
{
    /// <summary>A fix older than this is not returned (the receivers this targets send one every second).</summary>
    public static readonly TimeSpan DefaultStaleAfter = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Longest line kept. NMEA 0183 sentences are at most 82 characters with CR LF (v4.11 §5.3); proprietary ones run
    /// longer, so a generous bound. A longer run without a line end is noise (a wrong baud rate) and is dropped.
    /// </summary>
    internal const int MaxLineLength = 256;

    private readonly Stream _stream;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly GnssFixTracker _tracker;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _accepted;
    private long _rejected;
    private long _lines;
    private int _disposed;
    private volatile Exception? _fault;
    private volatile int _health = (int)GnssHealth.Reading;

    /// <param name="name">The sensor id in the product profile, e.g. <c>gnss</c>.</param>
    /// <param name="stream">The receiver's byte stream; not disposed here (its owner closes the port).</param>
    /// <param name="time">Arrival times and staleness are measured on it.</param>
    /// <param name="staleAfter">How old the newest GGA and RMC may be; <see cref="DefaultStaleAfter"/> when null.</param>
    public GnssReceiver(string name, Stream stream, TimeProvider time, TimeSpan? staleAfter = null, ILogger<GnssReceiver>? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(time);
        if (!stream.CanRead)
        {
            throw new ArgumentException($"{name}: the GNSS stream cannot be read", nameof(stream));
        }

        var stale = staleAfter ?? DefaultStaleAfter;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(stale, TimeSpan.Zero, nameof(staleAfter));
        Name = name;
        _stream = stream;
        _time = time;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _tracker = new GnssFixTracker(time, stale);
        _loop = Task.Run(() => ReadLoopAsync(_stop.Token), CancellationToken.None);
    }

    public string Name { get; }

    public GnssHealth Health => (GnssHealth)_health;

    /// <summary>Why the loop stopped reading: null while it reads; an <see cref="IOException"/> once the stream ended or failed.</summary>
    public Exception? Fault => _fault;

    /// <summary>Completes when the read loop has stopped (stream ended or failed, or disposed). Never faults.</summary>
    public Task Completion => _loop;

    /// <summary>Lines read so far, whatever became of them: a monitor can tell a silent receiver from one sending noise.</summary>
    public long LinesRead => Interlocked.Read(ref _lines);

    /// <summary>GGA, RMC and VTG sentences that passed their checksum and parsed.</summary>
    public long SentencesAccepted => Interlocked.Read(ref _accepted);

    /// <summary>Lines dropped: bad or missing checksum, truncated, garbage, overlong.</summary>
    public long SentencesRejected => Interlocked.Read(ref _rejected);

    public bool TryRead(out GnssReading reading)
    {
        if (Health != GnssHealth.Reading)
        {
            reading = default;
            return false;
        }

        lock (_gate)
        {
            return _tracker.TryGetFix(out reading);
        }
    }

    public void Dispose()
    {
        if (Stop())
        {
            // The loop honours cancellation at its only await (Stream.ReadAsync) and never throws.
            _loop.GetAwaiter().GetResult();
            _stop.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Stop())
        {
            await _loop.ConfigureAwait(false);
            _stop.Dispose();
        }
    }

    private bool Stop()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return false;
        }

        _health = (int)GnssHealth.Stopped;
        _stop.Cancel();
        return true;
    }

    private async Task ReadLoopAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[512];
        var line = new byte[MaxLineLength];
        var length = 0;
        var overlong = false;
        try
        {
            while (true)
            {
                var read = await _stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    Finish(GnssHealth.Ended, new IOException($"{Name}: the GNSS stream ended (serial port closed or receiver unplugged)",
                        new EndOfStreamException()));
                    Log.Ended(_logger, Name);
                    return;
                }

                var arrivedAt = _time.GetTimestamp();
                foreach (var b in buffer.AsSpan(0, read))
                {
                    if (b is (byte)'\n' or (byte)'\r')
                    {
                        if (overlong)
                        {
                            Interlocked.Increment(ref _rejected);
                            Interlocked.Increment(ref _lines);
                            Log.Overlong(_logger, Name, MaxLineLength);
                        }
                        else if (length > 0)
                        {
                            Handle(Encoding.Latin1.GetString(line, 0, length), arrivedAt);
                        }

                        length = 0;
                        overlong = false;
                    }
                    else if (length < line.Length)
                    {
                        line[length++] = b;
                    }
                    else
                    {
                        overlong = true;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Disposed: Health is already Stopped.
        }
        catch (Exception e)
        {
            // Whatever the stream threw (IOException from a UART, ObjectDisposedException from a closed port...), the
            // loop ends with it recorded rather than faulting a task nobody may be awaiting.
            Finish(GnssHealth.Faulted, new IOException($"{Name}: reading the GNSS stream failed: {e.Message}", e));
            Log.Faulted(_logger, Name, e);
        }
    }

    private void Finish(GnssHealth health, IOException fault)
    {
        _fault = fault;
        Interlocked.CompareExchange(ref _health, (int)health, (int)GnssHealth.Reading);
    }

    private void Handle(string line, long arrivedAt)
    {
        NmeaLineResult result;
        try
        {
            lock (_gate)
            {
                result = _tracker.Accept(line, arrivedAt);
            }
        }
        catch (Exception)
        {
            // One bad line never ends the loop, whatever the parser threw on it.
            result = NmeaLineResult.Malformed;
        }

        switch (result)
        {
            case NmeaLineResult.Accepted:
                Interlocked.Increment(ref _accepted);
                break;
            case NmeaLineResult.BadChecksum:
            case NmeaLineResult.Malformed:
                Interlocked.Increment(ref _rejected);
                Log.Dropped(_logger, Name, result == NmeaLineResult.BadChecksum ? "bad or missing checksum" : "malformed", line);
                break;
        }

        Interlocked.Increment(ref _lines);
    }
}
