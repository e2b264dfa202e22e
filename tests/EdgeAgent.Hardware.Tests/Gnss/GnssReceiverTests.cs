using EdgeAgent.Hardware.Gnss;
using EdgeAgent.Hardware.Sensors;
using EdgeAgent.Hardware.Simulation;
using Microsoft.Extensions.Time.Testing;
using UnitsNet;

namespace EdgeAgent.Hardware.Tests.Gnss;

/// <summary>The receiver end to end: its read loop over the simulated receiver's stream.</summary>
public sealed class GnssReceiverTests : IAsyncDisposable
{
    private const string Gga = "$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47";
    private const string Rmc = "$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A";

    // Degrees -> ddmm.mmmm keeps 1e-4 minute: 1.7e-6 degree.
    private const double CoordinateTolerance = 1e-4 / 60;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 9, 30, 15, TimeSpan.Zero));
    private readonly SimulatedGnss _gnss;
    private readonly GnssReceiver _receiver;

    public GnssReceiverTests()
    {
        _gnss = new SimulatedGnss(_time)
        {
            Latitude = Angle.FromDegrees(-33.8688),
            Longitude = Angle.FromDegrees(151.2093),
            Altitude = Length.FromMeters(58.2),
            GroundSpeed = Speed.FromMetersPerSecond(12),
            Course = Angle.FromDegrees(270),
            Satellites = 11,
            Quality = GnssFixQuality.Rtk,
        };
        _receiver = new GnssReceiver("gnss", _gnss.Stream, _time);
    }

    public async ValueTask DisposeAsync()
    {
        await _receiver.DisposeAsync();
        _gnss.Dispose();
    }

    [Fact]
    public void TryRead_BeforeAnySentence_IsFalse()
    {
        Assert.False(_receiver.TryRead(out _));
        Assert.Equal(GnssHealth.Reading, _receiver.Health);
    }

    [Fact]
    public void TryRead_AfterASimulatedEpoch_IsTheSetStateInWgs84AndMetresPerSecond()
    {
        SendEpoch();

        Assert.True(_receiver.TryRead(out var fix));
        Assert.Equal(-33.8688, fix.Latitude.Degrees, CoordinateTolerance);
        Assert.Equal(151.2093, fix.Longitude.Degrees, CoordinateTolerance);
        Assert.Equal(58.2, fix.Altitude.Meters, 1e-9);
        Assert.Equal(12, fix.GroundSpeed.MetersPerSecond, 0.05 * 1852 / 3600); // sent as knots with one decimal
        Assert.Equal(11, fix.Satellites);
        Assert.Equal(GnssFixQuality.Rtk, fix.Quality);
        Assert.Equal(_time.GetUtcNow(), fix.UtcTime);
        Assert.Equal(3, _receiver.SentencesAccepted);
        Assert.Equal(0, _receiver.SentencesRejected);
    }

    [Fact]
    public void TryRead_SimulatedReceiverWithoutFix_IsFalse()
    {
        _gnss.Quality = GnssFixQuality.None;

        SendEpoch();

        Assert.False(_receiver.TryRead(out _));
        Assert.Equal(3, _receiver.SentencesAccepted);
    }

    [Fact]
    public void TryRead_ClassicSamplesSplitAcrossReads_AreReassembled()
    {
        var text = $"{Gga}\r\n{Rmc}\r\n";
        foreach (var chunk in text.Chunk(7))
        {
            _gnss.SendRaw(new string(chunk));
        }

        WaitForLines(2);

        Assert.True(_receiver.TryRead(out var fix));
        Assert.Equal(545.4, fix.Altitude.Meters, 1e-9);
    }

    [Fact]
    public void TryRead_OnlyBadChecksumsAfterAFix_GoesFalseWhenTheFixIsStale()
    {
        SendEpoch();
        Assert.True(_receiver.TryRead(out _));

        for (var second = 1; second <= 3; second++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            _gnss.SendRaw($"{Gga[..^1]}0\r\n{Rmc[..^1]}0\r\n");
            WaitForLines(3 + (2 * second));
            Assert.Equal(second <= 2, _receiver.TryRead(out _));
        }

        Assert.Equal(6, _receiver.SentencesRejected);
    }

    [Fact]
    public void TryRead_ReceiverWentQuiet_IsFalseOnceStale()
    {
        SendEpoch();

        _time.Advance(GnssReceiver.DefaultStaleAfter);
        Assert.True(_receiver.TryRead(out _));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(_receiver.TryRead(out _));

        SendEpoch();
        Assert.True(_receiver.TryRead(out _));
    }

    [Fact]
    public void ReadLoop_GarbageTruncatedAndOverlongLines_AreDroppedAndTheNextFixIsRead()
    {
        _gnss.SendRaw("\0\0\u00ff\u00fegarbage\r\n");
        _gnss.SendRaw("$GPGGA,123519,4807.0\r\n");
        _gnss.SendRaw(new string('x', 5_000) + "\r\n"); // a wrong baud rate: no line end for a long time
        _gnss.SendRaw(SimulatedGnss.Sentence("GPGGA,ab,cd,N,ef,E,1,xx,yy,zz,M,,M,,") + "\r\n"); // fields that do not parse
        _gnss.SendRaw("\n\r\n\r");
        SendEpoch(alreadySent: 4);

        Assert.True(_receiver.TryRead(out var fix));
        Assert.Equal(11, fix.Satellites);
        Assert.Equal(GnssHealth.Reading, _receiver.Health);
        Assert.True(_receiver.SentencesRejected >= 3, $"rejected {_receiver.SentencesRejected}");
    }

    [Fact]
    public async Task StreamEnds_TryReadIsFalse_AndHealthSaysEnded()
    {
        SendEpoch();

        _gnss.End();
        await _receiver.Completion;

        Assert.False(_receiver.TryRead(out _));
        Assert.Equal(GnssHealth.Ended, _receiver.Health);
        var fault = Assert.IsType<IOException>(_receiver.Fault);
        Assert.StartsWith("gnss: the GNSS stream ended", fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamThrows_TryReadIsFalse_AndTheFaultHoldsTheCause()
    {
        SendEpoch();
        var uart = new IOException("Input/output error");

        _gnss.Fail(uart);
        await _receiver.Completion;

        Assert.False(_receiver.TryRead(out _));
        Assert.Equal(GnssHealth.Faulted, _receiver.Health);
        var fault = Assert.IsType<IOException>(_receiver.Fault);
        Assert.Same(uart, fault.InnerException);
        Assert.Equal("gnss: reading the GNSS stream failed: Input/output error", fault.Message);
    }

    [Fact]
    public async Task Dispose_StopsTheReadLoop()
    {
        await _receiver.DisposeAsync();

        Assert.True(_receiver.Completion.IsCompletedSuccessfully);
        Assert.Equal(GnssHealth.Stopped, _receiver.Health);
        Assert.Null(_receiver.Fault);
        Assert.False(_receiver.TryRead(out _));
    }

    [Fact]
    public async Task SimulatedRun_SendsAnEpochEachInterval()
    {
        using var stop = new CancellationTokenSource();
        var run = _gnss.RunAsync(TimeSpan.FromSeconds(1), stop.Token);

        _time.Advance(TimeSpan.FromSeconds(1));
        WaitForLines(3);
        Assert.True(_receiver.TryRead(out _));
        _time.Advance(TimeSpan.FromSeconds(1));
        WaitForLines(6);

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Equal(6, _receiver.SentencesAccepted);
    }

    private void SendEpoch(long alreadySent = 0)
    {
        var before = _receiver.LinesRead;
        _gnss.SendEpoch();
        WaitForLines(Math.Max(before, alreadySent) + 3);
    }

    /// <summary>Waits (on a condition, bounded only to fail instead of hanging) until the loop has handled that many lines.</summary>
    private void WaitForLines(long count) =>
        Assert.True(SpinWait.SpinUntil(() => _receiver.LinesRead >= count, TimeSpan.FromSeconds(30)),
            $"the receiver read {_receiver.LinesRead} lines, expected {count}");
}
