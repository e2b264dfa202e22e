using System.Globalization;
using EdgeAgent.Hardware.Sensors;
using Iot.Device.Nmea0183;
using Iot.Device.Nmea0183.Sentences;
using UnitsNet;
using UnitsNet.Units;

namespace EdgeAgent.Hardware.Gnss;

/// <summary>What became of one line of NMEA text.</summary>
internal enum NmeaLineResult
{
    /// <summary>A GGA, RMC or VTG sentence with a correct checksum: it updated the fix.</summary>
    Accepted,

    /// <summary>A well-formed sentence of another type (GSV, GSA, GLL, proprietary...): not needed for a fix.</summary>
    Ignored,

    /// <summary>The checksum is missing or does not match the sentence: dropped.</summary>
    BadChecksum,

    /// <summary>Not an NMEA sentence, truncated, or with fields that do not parse: dropped.</summary>
    Malformed,
}

/// <summary>
/// Turns NMEA 0183 sentences into the latest valid fix. Sentences are parsed with Iot.Device.Nmea0183; what this class
/// adds is the policy: a checksum is required (NMEA 0183 v2.30+ makes it mandatory on GGA and RMC, and a sentence without
/// one cannot be told from line noise), a fix needs a GGA with fix quality above 0 (position, altitude, satellites) and
/// an RMC with status A (date and speed; VTG speed is used when it is newer), and each part counts only while it is
/// younger than the staleness limit, measured from its arrival. Not thread-safe: <see cref="GnssReceiver"/> locks.
/// </summary>
internal sealed class GnssFixTracker
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _staleAfter;
    private DateTimeOffset _lastMessageTime;
    private (GlobalPositioningSystemFixData Sentence, long At)? _gga;
    private (RecommendedMinimumNavigationInformation Sentence, long At)? _rmc;
    private (TrackMadeGood Sentence, long At)? _vtg;

    public GnssFixTracker(TimeProvider time, TimeSpan staleAfter)
    {
        _time = time;
        _staleAfter = staleAfter;
    }

    /// <summary>
    /// Parses one line (without its CR LF) that arrived at <paramref name="arrivedAt"/> (a <see cref="TimeProvider.GetTimestamp"/>).
    /// May throw on a sentence whose fields do not parse; the caller treats that as <see cref="NmeaLineResult.Malformed"/>.
    /// </summary>
    public NmeaLineResult Accept(string line, long arrivedAt)
    {
        line = line.Trim();
        if (line.Length < 6 || line[0] is not ('$' or '!'))
        {
            return NmeaLineResult.Malformed;
        }

        // "*hh" ends every sentence with a checksum (NMEA 0183 v4.11 §5.2.1); the library accepts sentences without one.
        var star = line.LastIndexOf('*');
        if (star < 0 || star != line.Length - 3 || !byte.TryParse(line.AsSpan(star + 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out _))
        {
            return NmeaLineResult.BadChecksum;
        }

        var sentence = TalkerSentence.FromSentenceString(line, out var error);
        if (error == NmeaError.InvalidChecksum)
        {
            return NmeaLineResult.BadChecksum;
        }

        if (sentence is null || error != NmeaError.None)
        {
            return NmeaLineResult.Malformed;
        }

        // A sentence whose fields do not parse throws here (FormatException...): the caller counts it as malformed.
        var typed = sentence.TryGetTypedValue(ref _lastMessageTime);

        switch (typed)
        {
            case GlobalPositioningSystemFixData gga:
                _gga = (gga, arrivedAt);
                return NmeaLineResult.Accepted;
            case RecommendedMinimumNavigationInformation rmc:
                _rmc = (rmc, arrivedAt);
                return NmeaLineResult.Accepted;
            case TrackMadeGood vtg:
                _vtg = (vtg, arrivedAt);
                return NmeaLineResult.Accepted;
            default:
                return NmeaLineResult.Ignored;
        }
    }

    /// <summary>The fix now, or false when there is none or a part of it is stale.</summary>
    public bool TryGetFix(out Sensors.GnssReading reading)
    {
        reading = default;
        var now = _time.GetTimestamp();
        if (_gga is not { } gga || !Fresh(gga.At, now) || _rmc is not { } rmc || !Fresh(rmc.At, now))
        {
            return false;
        }

        var quality = Quality(gga.Sentence.Status);
        if (quality == GnssFixQuality.None || rmc.Sentence.Status != NavigationStatus.Valid
            || gga.Sentence.LatitudeDegrees is not { } latitude || gga.Sentence.LongitudeDegrees is not { } longitude
            || gga.Sentence.GeoidAltitude is not { } altitude)
        {
            return false;
        }

        // RMC field 7 is speed over ground in knots (VTG field 5 likewise); readings carry metres per second.
        var speed = _vtg is { } vtg && vtg.At > rmc.At && Fresh(vtg.At, now) && vtg.Sentence.Valid ? vtg.Sentence.Speed : rmc.Sentence.SpeedOverGround;
        reading = new Sensors.GnssReading(
            Angle.FromDegrees(latitude),
            Angle.FromDegrees(longitude),
            Length.FromMeters(altitude),
            speed.ToUnit(SpeedUnit.MeterPerSecond),
            gga.Sentence.NumberOfSatellites,
            quality,
            rmc.Sentence.DateTime.Year > 1 ? rmc.Sentence.DateTime : null);
        return true;
    }

    /// <summary>
    /// GGA field 6 (fix quality) as a reading's quality. 3 (PPS) is a GPS fix; 7 (manual input) and 8 (simulator) are
    /// not measurements, so they count as no fix, like 0.
    /// </summary>
    internal static GnssFixQuality Quality(GpsQuality status) => status switch
    {
        GpsQuality.Fix or GpsQuality.PpsFix => GnssFixQuality.Gps,
        GpsQuality.DifferentialFix => GnssFixQuality.Differential,
        GpsQuality.RealTimeKinematic => GnssFixQuality.Rtk,
        GpsQuality.FloatRtk => GnssFixQuality.FloatRtk,
        GpsQuality.Estimated => GnssFixQuality.Estimated,
        _ => GnssFixQuality.None,
    };

    private bool Fresh(long at, long now) => _time.GetElapsedTime(at, now) <= _staleAfter;
}
