using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using EdgeAgent.Hardware.Sensors;
using UnitsNet;

namespace EdgeAgent.Hardware.Simulation;

/// <summary>
/// The simulated twin of a GNSS receiver on a UART: NMEA 0183 text with correct checksums, for the position, altitude,
/// speed, satellites and fix quality set here, written into <see cref="Stream"/> (the read end of an in-memory pipe,
/// which stands where the serial port's BaseStream would). Each <see cref="SendEpoch"/> is what a receiver sends once
/// per fix: RMC, VTG, GGA, stamped with the <see cref="TimeProvider"/>'s UTC time. <see cref="End"/> and
/// <see cref="Fail"/> make the stream end or throw, as an unplugged receiver or a UART error does.
/// </summary>
public sealed class SimulatedGnss : IDisposable
{
    private readonly Pipe _pipe = new(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private bool _completed;

    public SimulatedGnss(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        Stream = _pipe.Reader.AsStream();
    }

    /// <summary>What the receiver reads (pass it to <c>GnssReceiver</c>).</summary>
    public Stream Stream { get; }

    /// <summary>The NMEA talker id: GP (GPS), GN (multi-constellation), GL...</summary>
    public string Talker { get; set; } = "GP";

    public Angle Latitude { get; set; }

    public Angle Longitude { get; set; }

    /// <summary>Altitude above mean sea level (GGA field 9).</summary>
    public Length Altitude { get; set; }

    public Speed GroundSpeed { get; set; }

    /// <summary>Course over ground, true.</summary>
    public Angle Course { get; set; }

    public int Satellites { get; set; } = 8;

    /// <summary><see cref="GnssFixQuality.None"/> sends what a receiver without a fix sends: empty position fields, RMC status V.</summary>
    public GnssFixQuality Quality { get; set; } = GnssFixQuality.Gps;

    /// <summary>The NMEA checksum of a sentence's body (the characters between <c>$</c> and <c>*</c>): their XOR (NMEA 0183 §5.2.1).</summary>
    public static byte Checksum(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        byte sum = 0;
        foreach (var c in body)
        {
            sum ^= (byte)c;
        }

        return sum;
    }

    /// <summary><c>$body*hh</c>.</summary>
    public static string Sentence(string body) => string.Create(CultureInfo.InvariantCulture, $"${body}*{Checksum(body):X2}");

    /// <summary>Sends one epoch: RMC, VTG and GGA for the current state, at the time provider's current UTC time.</summary>
    public void SendEpoch()
    {
        var now = _time.GetUtcNow().UtcDateTime;
        var fix = Quality != GnssFixQuality.None;
        var time = now.ToString("HHmmss.ff", CultureInfo.InvariantCulture);
        var date = now.ToString("ddMMyy", CultureInfo.InvariantCulture);
        var position = fix ? $"{Coordinate(Latitude.Degrees, 2, 'N', 'S')},{Coordinate(Longitude.Degrees, 3, 'E', 'W')}" : ",,,";
        var knots = fix ? Invariant($"{GroundSpeed.Knots:0.0}") : "";
        var kmh = fix ? Invariant($"{GroundSpeed.KilometersPerHour:0.0}") : "";
        var course = fix ? Invariant($"{Course.Degrees:0.0}") : "";
        var mode = fix ? "A" : "N";
        var text = new StringBuilder()
            .Append(Sentence($"{Talker}RMC,{time},{(fix ? 'A' : 'V')},{position},{knots},{course},{date},,,{mode}")).Append("\r\n")
            .Append(Sentence($"{Talker}VTG,{course},T,,M,{knots},N,{kmh},K,{mode}")).Append("\r\n")
            .Append(Sentence(Invariant(
                $"{Talker}GGA,{time},{position},{(int)Quality},{Satellites:00},{(fix ? "0.9" : "")},{(fix ? Invariant($"{Altitude.Meters:0.0}") : "")},M,{(fix ? "0.0" : "")},M,,")))
            .Append("\r\n");
        SendRaw(text.ToString());
    }

    /// <summary>Sends text as it is (garbage, a truncated line, a sentence with a wrong checksum...).</summary>
    public void SendRaw(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_completed, this);
            _pipe.Writer.Write(Encoding.Latin1.GetBytes(text));
            _pipe.Writer.FlushAsync().AsTask().GetAwaiter().GetResult(); // never pauses: pauseWriterThreshold is 0
        }
    }

    /// <summary>Sends an epoch every <paramref name="interval"/> of the time provider until cancelled or ended.</summary>
    public async Task RunAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval, _time);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            lock (_gate)
            {
                if (_completed)
                {
                    return;
                }
            }

            SendEpoch();
        }
    }

    /// <summary>The stream ends: the reader's next read returns 0 (receiver unplugged).</summary>
    public void End() => Complete(null);

    /// <summary>The stream's next read throws <paramref name="error"/> (a UART error).</summary>
    public void Fail(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        Complete(error);
    }

    public void Dispose() => Complete(null);

    private void Complete(Exception? error)
    {
        lock (_gate)
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
            _pipe.Writer.Complete(error);
        }
    }

    /// <summary>ddmm.mmmm (latitude, 2 degree digits) or dddmm.mmmm (longitude, 3) and the hemisphere letter.</summary>
    private static string Coordinate(double degrees, int degreeDigits, char positive, char negative)
    {
        var magnitude = Math.Abs(degrees);
        var whole = (int)magnitude;
        var minutes = Math.Round((magnitude - whole) * 60, 4);
        if (minutes >= 60)
        {
            whole++;
            minutes -= 60;
        }

        var format = degreeDigits == 2 ? "00" : "000";
        return Invariant($"{whole.ToString(format, CultureInfo.InvariantCulture)}{minutes:00.0000},{(degrees < 0 ? negative : positive)}");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
