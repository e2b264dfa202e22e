using EdgeAgent.Hardware.Gnss;
using EdgeAgent.Hardware.Sensors;
using EdgeAgent.Hardware.Simulation;
using Iot.Device.Nmea0183.Sentences;
using Microsoft.Extensions.Time.Testing;

namespace EdgeAgent.Hardware.Tests.Gnss;

/// <summary>The sentence policy, line by line, with the sample sentences of the NMEA 0183 references.</summary>
public sealed class GnssFixTrackerTests
{
    // The classic GGA and RMC samples (NMEA 0183 v2.3 as documented by gpsinformation.org / Dale DePriest's "NMEA data"):
    // 12:35:19 UTC, 48°07.038' N 11°31.000' E, GPS fix, 8 satellites, HDOP 0.9, 545.4 m above mean sea level, geoid
    // 46.9 m above WGS84; RMC on 23 March 1994 at 22.4 knots, course 84.4°, magnetic variation 3.1° W.
    private const string Gga = "$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47";
    private const string Rmc = "$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A";

    // VTG sample from the same reference: course 54.7° true, 34.4° magnetic, 5.5 knots, 10.2 km/h.
    private const string Vtg = "$GPVTG,054.7,T,034.4,M,005.5,N,010.2,K*48";

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Checksum_OfTheClassicGgaBody_IsItsPublished47()
    {
        Assert.Equal(0x47, SimulatedGnss.Checksum("GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,"));
        Assert.Equal(Gga, SimulatedGnss.Sentence("GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,"));
    }

    [Fact]
    public void TryGetFix_ClassicGgaAndRmc_GiveTheSampleValuesExactly()
    {
        var tracker = Tracker();
        Assert.Equal(NmeaLineResult.Accepted, tracker.Accept(Gga, _time.GetTimestamp()));
        Assert.Equal(NmeaLineResult.Accepted, tracker.Accept(Rmc, _time.GetTimestamp()));

        Assert.True(tracker.TryGetFix(out var fix));

        Assert.Equal(48 + (7.038 / 60), fix.Latitude.Degrees, 1e-9);
        Assert.Equal(11 + (31.000 / 60), fix.Longitude.Degrees, 1e-9);
        Assert.Equal(545.4, fix.Altitude.Meters, 1e-9); // above mean sea level, not the ellipsoid (592.3 m)
        Assert.Equal(8, fix.Satellites);
        Assert.Equal(GnssFixQuality.Gps, fix.Quality);
        Assert.Equal(22.4 * 1852 / 3600, fix.GroundSpeed.MetersPerSecond, 1e-9); // 1 knot = 1852 m/h
        Assert.Equal(new DateTimeOffset(1994, 3, 23, 12, 35, 19, TimeSpan.Zero), fix.UtcTime);
    }

    [Fact]
    public void TryGetFix_VtgNewerThanRmc_TakesItsSpeed()
    {
        var tracker = Tracker();
        tracker.Accept(Gga, _time.GetTimestamp());
        tracker.Accept(Rmc, _time.GetTimestamp());
        _time.Advance(TimeSpan.FromMilliseconds(10));
        Assert.Equal(NmeaLineResult.Accepted, tracker.Accept(Vtg, _time.GetTimestamp()));

        Assert.True(tracker.TryGetFix(out var fix));

        Assert.Equal(5.5 * 1852 / 3600, fix.GroundSpeed.MetersPerSecond, 1e-9);
    }

    [Theory]
    [InlineData("$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*48")] // last digit off
    [InlineData("$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*74")] // digits swapped
    [InlineData("$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,")] // no checksum at all
    [InlineData("$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*4")] // cut inside the checksum
    [InlineData("$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*ZZ")]
    [InlineData("$GPGGA,123519,4807.038,N,01132.000,E,1,08,0.9,545.4,M,46.9,M,,*47")] // one bit flipped in the body
    public void Accept_BadChecksum_IsDroppedAndGivesNoFix(string gga)
    {
        var tracker = Tracker();
        tracker.Accept(Rmc, _time.GetTimestamp());

        Assert.Equal(NmeaLineResult.BadChecksum, tracker.Accept(gga, _time.GetTimestamp()));
        Assert.False(tracker.TryGetFix(out _));
    }

    [Fact]
    public void Accept_BadChecksumAfterAGoodFix_DoesNotReplaceIt()
    {
        var tracker = Tracker();
        tracker.Accept(Gga, _time.GetTimestamp());
        tracker.Accept(Rmc, _time.GetTimestamp());

        tracker.Accept("$GPGGA,123520,0000.000,N,00000.000,E,1,08,0.9,1.0,M,46.9,M,,*00", _time.GetTimestamp());

        Assert.True(tracker.TryGetFix(out var fix));
        Assert.Equal(545.4, fix.Altitude.Meters, 1e-9);
    }

    [Theory]
    [InlineData("GPGGA,123519,,,,,0,00,,,M,,M,,", "GPRMC,123519,V,,,,,,,230394,,,N")] // no fix at all: empty fields
    [InlineData("GPGGA,123519,4807.038,N,01131.000,E,0,08,0.9,545.4,M,46.9,M,,", "GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W")] // quality 0
    [InlineData("GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,", "GPRMC,123519,V,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W")] // RMC status V
    [InlineData("GPGGA,123519,4807.038,N,01131.000,E,7,08,0.9,545.4,M,46.9,M,,", "GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W")] // manual input
    [InlineData("GPGGA,123519,4807.038,N,01131.000,E,8,08,0.9,545.4,M,46.9,M,,", "GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W")] // simulator mode
    public void TryGetFix_NoFix_IsFalse(string ggaBody, string rmcBody)
    {
        var tracker = Tracker();
        Assert.Equal(NmeaLineResult.Accepted, tracker.Accept(SimulatedGnss.Sentence(ggaBody), _time.GetTimestamp()));
        Assert.Equal(NmeaLineResult.Accepted, tracker.Accept(SimulatedGnss.Sentence(rmcBody), _time.GetTimestamp()));

        Assert.False(tracker.TryGetFix(out var reading));
        Assert.Equal(default, reading);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void TryGetFix_GgaOrRmcMissing_IsFalse(bool sendGga, bool sendRmc)
    {
        var tracker = Tracker();
        if (sendGga)
        {
            tracker.Accept(Gga, _time.GetTimestamp());
        }

        if (sendRmc)
        {
            tracker.Accept(Rmc, _time.GetTimestamp());
        }

        Assert.False(tracker.TryGetFix(out _));
    }

    [Fact]
    public void TryGetFix_OlderThanTheLimit_IsFalse_AtTheLimit_IsTrue()
    {
        var tracker = Tracker(TimeSpan.FromSeconds(2));
        tracker.Accept(Gga, _time.GetTimestamp());
        tracker.Accept(Rmc, _time.GetTimestamp());

        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(tracker.TryGetFix(out _));

        _time.Advance(TimeSpan.FromTicks(1));
        Assert.False(tracker.TryGetFix(out _));
    }

    [Fact]
    public void TryGetFix_FreshGgaButStaleRmc_IsFalse()
    {
        var tracker = Tracker(TimeSpan.FromSeconds(2));
        tracker.Accept(Rmc, _time.GetTimestamp());
        _time.Advance(TimeSpan.FromSeconds(3));
        tracker.Accept(Gga, _time.GetTimestamp());

        Assert.False(tracker.TryGetFix(out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("$")]
    [InlineData("$GPGGA,123519,4807.0")] // truncated mid-sentence, as after a lost byte run
    [InlineData("\u00ff\u00fe\u0001\u0002$GPGGA")]
    [InlineData("GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47")] // the $ lost
    public void Accept_Garbage_IsMalformedOrBadChecksum(string line)
    {
        var result = Tracker().Accept(line, _time.GetTimestamp());

        Assert.Contains(result, new[] { NmeaLineResult.Malformed, NmeaLineResult.BadChecksum });
    }

    [Fact]
    public void Accept_OtherSentenceTypes_AreIgnored()
    {
        // GSA sample from the same reference.
        Assert.Equal(NmeaLineResult.Ignored, Tracker().Accept("$GPGSA,A,3,04,05,,09,12,,,24,,,,,2.5,1.3,2.1*39", _time.GetTimestamp()));
    }

    [Theory]
    [InlineData(GpsQuality.NoFix, GnssFixQuality.None)]
    [InlineData(GpsQuality.Fix, GnssFixQuality.Gps)]
    [InlineData(GpsQuality.DifferentialFix, GnssFixQuality.Differential)]
    [InlineData(GpsQuality.PpsFix, GnssFixQuality.Gps)]
    [InlineData(GpsQuality.RealTimeKinematic, GnssFixQuality.Rtk)]
    [InlineData(GpsQuality.FloatRtk, GnssFixQuality.FloatRtk)]
    [InlineData(GpsQuality.Estimated, GnssFixQuality.Estimated)]
    [InlineData(GpsQuality.Manual, GnssFixQuality.None)]
    [InlineData(GpsQuality.Simulated, GnssFixQuality.None)]
    public void Quality_EachGgaFixQuality_MapsToTheReadingsQuality(GpsQuality gga, GnssFixQuality expected) =>
        Assert.Equal(expected, GnssFixTracker.Quality(gga));

    private GnssFixTracker Tracker(TimeSpan? staleAfter = null) => new(_time, staleAfter ?? GnssReceiver.DefaultStaleAfter);
}
