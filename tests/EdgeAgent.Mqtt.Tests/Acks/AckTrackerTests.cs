using EdgeAgent.Contracts.Records;
using EdgeAgent.Mqtt.Acks;
using Microsoft.Extensions.Time.Testing;

namespace EdgeAgent.Mqtt.Tests.Acks;

public sealed class AckTrackerTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void OnAck_GapBelowCursor_RewindsOncePerAckedValue()
    {
        var t = Tracker(sentUpTo: 40);

        var first = t.OnAck(Gap(5, 11));
        var again = t.OnAck(Gap(5, 16));

        Assert.True(first.Rewound);
        Assert.False(again.Rewound);
        Assert.Equal(5, t.Cursor);
        Assert.Equal(5, t.Acked);
    }

    [Fact]
    public void OnAck_NewGapAtHigherAckedValue_RewindsAgain()
    {
        var t = Tracker(sentUpTo: 40);
        t.OnAck(Gap(5, 11));
        t.Sent(20);

        var effect = t.OnAck(Gap(10, 16));

        Assert.True(effect.Rewound);
        Assert.Equal(10, effect.AcknowledgeUpTo);
        Assert.Equal(10, t.Cursor);
    }

    [Fact]
    public void OnAck_AboveWhatWasSent_AcknowledgesOnlyWhatWasSent()
    {
        var t = Tracker(sentUpTo: 10);

        var effect = t.OnAck(new BatchAck { DeviceId = "GL-0001", AckedSeq = 99 });

        Assert.Equal(10, effect.AcknowledgeUpTo);
        Assert.Equal(99, effect.ClampedFrom);
        Assert.False(t.HasInFlight);
    }

    [Fact]
    public void OnAck_Progress_FreesInFlightBatchesUpToIt()
    {
        var t = new AckTracker(TimeSpan.FromSeconds(15), _time, new Random(7));
        t.StartSession(0);
        t.Sent(5);
        t.Sent(10);
        t.Sent(15);

        t.OnAck(new BatchAck { DeviceId = "GL-0001", AckedSeq = 10 });

        Assert.Equal(1, t.InFlightBatches);
        Assert.True(t.CanSend(2));
    }

    [Fact]
    public void AckTimedOut_NoProgressForTheTimeout_IsTrueOnlyWhileInFlight()
    {
        var t = new AckTracker(TimeSpan.FromSeconds(15), _time, new Random(7));
        t.StartSession(0);
        Assert.False(t.AckTimedOut());
        t.Sent(5);

        _time.Advance(TimeSpan.FromSeconds(14));
        Assert.False(t.AckTimedOut());
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(t.AckTimedOut());

        t.Rewind();
        Assert.Equal(0, t.Cursor);
        Assert.False(t.AckTimedOut());
    }

    [Fact]
    public void TimedOut_WithoutProgress_DoublesTheTimeoutUpToTheCap_AndProgressResetsIt()
    {
        var t = new AckTracker(TimeSpan.FromSeconds(15), _time, new Random(7));
        t.StartSession(0);
        var seen = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            t.Sent(5);
            _time.Advance(t.Timeout);
            Assert.True(t.AckTimedOut());
            t.TimedOut();
            seen.Add(t.Timeout.TotalSeconds);
        }

        Assert.Equal([30, 60, 120, 120, 120], seen); // 8 × 15 s at most
        t.Sent(5);
        _time.Advance(TimeSpan.FromSeconds(119));
        Assert.False(t.AckTimedOut());

        t.OnAck(new BatchAck { DeviceId = "GL-0001", AckedSeq = 5 });

        Assert.Equal(TimeSpan.FromSeconds(15), t.Timeout);
    }

    [Fact]
    public void Refused_PausesSendingUntilThePauseEnds_AndAnAcceptedBatchEndsTheStreak()
    {
        var t = new AckTracker(TimeSpan.FromSeconds(15), _time, new Random(7));
        t.StartSession(0);

        var first = t.Refused();
        Assert.InRange(first, TimeSpan.Zero, AckTracker.BusyPauseMin);
        if (first > TimeSpan.Zero)
        {
            Assert.False(t.CanSend(8));
            Assert.Equal(first, t.UntilWake());
        }

        _time.Advance(first);
        Assert.True(t.CanSend(8));
        Assert.Null(t.UntilWake());

        var pauses = Enumerable.Range(0, 6).Select(_ => t.Refused()).ToList();
        Assert.Equal(7, t.Refusals);
        Assert.All(pauses, p => Assert.InRange(p, TimeSpan.Zero, TimeSpan.FromSeconds(15))); // never beyond the ack timeout
        Assert.Contains(pauses, p => p > AckTracker.BusyPauseMin); // the ceiling grows with the streak

        _time.Advance(TimeSpan.FromSeconds(15));
        t.Sent(5);
        Assert.Equal(0, t.Refusals);
        Assert.True(t.CanSend(8));
    }

    [Fact]
    public void UntilWake_InFlightAndPausing_IsTheEarlierOfTheTwo()
    {
        var t = new AckTracker(TimeSpan.FromSeconds(15), _time, new Random(7));
        t.StartSession(0);
        t.Sent(5);
        _time.Advance(TimeSpan.FromSeconds(14.5));

        var pause = t.Refused();

        Assert.Equal(pause < TimeSpan.FromSeconds(0.5) ? pause : TimeSpan.FromSeconds(0.5), t.UntilWake());
    }

    [Fact]
    public void StartSession_AfterSending_CursorGoesBackToAcked()
    {
        var t = Tracker(sentUpTo: 40);
        t.OnAck(new BatchAck { DeviceId = "GL-0001", AckedSeq = 20 });

        t.StartSession(20);

        Assert.Equal(20, t.Cursor);
        Assert.Equal(0, t.InFlightBatches);
    }

    private AckTracker Tracker(long sentUpTo)
    {
        var t = new AckTracker(TimeSpan.FromSeconds(15), _time, new Random(7));
        t.StartSession(0);
        for (var s = 5L; s <= sentUpTo; s += 5)
        {
            t.Sent(s);
        }

        return t;
    }

    private static BatchAck Gap(long acked, long firstRejected) => new()
    {
        DeviceId = "GL-0001",
        AckedSeq = acked,
        Rejected = [new RejectedRecord { Seq = firstRejected, Reason = RejectionReasons.Gap }],
    };
}
