using EdgeAgent.Firmware.Link;
using EdgeAgent.Firmware.Tests.Support;

namespace EdgeAgent.Firmware.Tests.Link;

public sealed class LinkEndpointTests
{
    private static readonly ButtonEvent Press = new(1000, 0, ButtonAction.Press, 180);

    [Fact]
    public void Send_Reliable_IsDeliveredAcknowledgedAndForgotten()
    {
        var link = new LinkPair();

        Assert.True(link.A.Endpoint.Send(Press, reliable: true, link.Now));
        link.Pump();

        Assert.Equal(Messages.Describe(Press), Messages.Describe(Assert.Single(link.B.Received)));
        Assert.Equal(0, link.A.Endpoint.PendingCount);
        Assert.Equal(1, link.A.Endpoint.Statistics.Acknowledged);
        link.Advance(10_000);
        Assert.Single(link.A.Written);
        Assert.Empty(link.A.Failed);
    }

    [Fact]
    public void Send_Unreliable_IsDeliveredWithoutAnAcknowledgement()
    {
        var link = new LinkPair();

        link.A.Endpoint.Send(new ImuReading(1, 2, 3, 4, 5, 6, 7), reliable: false, link.Now);
        link.Pump();
        link.Advance(10_000);

        Assert.Single(link.B.Received);
        Assert.Empty(link.B.Written);
        Assert.Single(link.A.Written);
    }

    [Fact]
    public void Send_FirstFrameLost_IsResentAfterTheAckTimeoutAndDeliveredOnce()
    {
        var link = new LinkPair();
        var lost = 0;
        link.A.Lose = _ => lost++ == 0;

        link.A.Endpoint.Send(Press, reliable: true, link.Now);
        link.Pump();
        Assert.Empty(link.B.Received);
        link.Advance(199);
        Assert.Single(link.A.Written);

        link.Advance(1);

        Assert.Equal(2, link.A.Written.Count);
        Assert.Equal(link.A.Written[0], link.A.Written[1]); // the same bytes, the same sequence number
        Assert.Single(link.B.Received);
        Assert.Equal(0, link.A.Endpoint.PendingCount);
        Assert.Equal(1, link.A.Endpoint.Statistics.Resent);
    }

    [Fact]
    public void Send_AcknowledgementLost_ResendIsAcknowledgedAgainButNotDeliveredTwice()
    {
        var link = new LinkPair();
        var acks = 0;
        link.B.Lose = _ => acks++ == 0;

        link.A.Endpoint.Send(Press, reliable: true, link.Now);
        link.Pump();
        link.Advance(200);

        Assert.Equal(2, link.A.Written.Count);
        Assert.Single(link.B.Received);
        Assert.Equal(1, link.B.Endpoint.Statistics.Duplicates);
        Assert.Equal(2, link.B.Written.Count); // both copies acknowledged
        Assert.Equal(0, link.A.Endpoint.PendingCount);
        Assert.Empty(link.A.Failed);
    }

    [Fact]
    public void Send_PeerNeverAnswers_GivesUpAfterMaxAttemptsAndReportsIt()
    {
        var link = new LinkPair(new LinkSettings(200, 5, 8));
        link.A.Lose = _ => true;

        link.A.Endpoint.Send(Press, reliable: true, link.Now);
        for (var i = 0; i < 20; i++)
        {
            link.Advance(200);
        }

        Assert.Equal(5, link.A.Written.Count);
        Assert.Same(Press, Assert.Single(link.A.Failed));
        Assert.Equal(1, link.A.Endpoint.Statistics.GaveUp);
        Assert.Equal(0, link.A.Endpoint.PendingCount);
    }

    [Fact]
    public void Send_MorePendingThanCapacity_IsRefusedUntilOneIsAcknowledged()
    {
        var link = new LinkPair(new LinkSettings(200, 5, 2));
        link.A.Lose = _ => true;

        Assert.True(link.A.Endpoint.Send(Press, true, link.Now));
        Assert.True(link.A.Endpoint.Send(Press, true, link.Now));
        Assert.False(link.A.Endpoint.Send(Press, true, link.Now));
        Assert.True(link.A.Endpoint.Send(new ImuReading(1, 1, 1, 1, 1, 1, 1), false, link.Now));

        link.A.Lose = null;
        link.Advance(200);

        Assert.Equal(0, link.A.Endpoint.PendingCount);
        Assert.True(link.A.Endpoint.Send(Press, true, link.Now));
        Assert.Equal(1, link.A.Endpoint.Statistics.Refused);
    }

    [Fact]
    public void Receive_UnknownTypeAskingForAck_IsRefusedAsUnsupported()
    {
        var link = new LinkPair();
        // An intact version-1 frame of type 0x55 (PROTOCOL.md, Acknowledgement section).
        var frame = Hex.Parse("00 08 01 55 01 30 AA 26 54 00");

        link.B.Endpoint.Receive(frame, 0, frame.Length, link.Now);

        var answer = Assert.Single(WireCodec.Decode(new FrameDecoder(), Assert.Single(link.B.Written)));
        var ack = Assert.IsType<Acknowledgement>(MessageCodec.Decode(answer.Type, answer.Body));
        Assert.Equal(0x30, ack.Sequence);
        Assert.Equal(0x55, ack.AcknowledgedType);
        Assert.Equal(AckStatus.UnsupportedType, ack.Status);
        Assert.Empty(link.B.Received);
        Assert.Equal(1, link.B.Endpoint.Statistics.Unreadable);
    }

    [Fact]
    public void Send_PeerRefuses_EndsTheResendsAndReportsItUndelivered()
    {
        var link = new LinkPair();
        link.A.Endpoint.Send(Press, true, link.Now);
        var sequence = link.A.Written[0][5]; // 00 code 01 type flags SEQUENCE
        link.A.Lose = _ => true;
        link.Pump();

        var refusal = WireCodec.Encode(new Acknowledgement(sequence, (byte)MessageType.ButtonEvent, AckStatus.Malformed), 0, 0);
        link.A.Endpoint.Receive(refusal, 0, refusal.Length, link.Now);
        link.Advance(1000);

        Assert.Single(link.A.Written);
        Assert.Single(link.A.Failed);
        Assert.Equal(1, link.A.Endpoint.Statistics.Rejected);
    }

    [Fact]
    public void Receive_SameSequenceAfterTheDuplicateWindow_IsANewMessage()
    {
        // Sequence numbers wrap after 256 frames; a frame reusing one long after is not a resend.
        var link = new LinkPair();
        var first = WireCodec.Encode(Press, Frame.FlagAckRequested, 7);

        link.B.Endpoint.Receive(first, 0, first.Length, 0);
        link.B.Endpoint.Receive(first, 0, first.Length, 500);
        link.B.Endpoint.Receive(first, 0, first.Length, 500 + LinkSettings.Default.DuplicateWindowMilliseconds + 1);

        Assert.Equal(2, link.B.Received.Count);
        Assert.Equal(1, link.B.Endpoint.Statistics.Duplicates);
    }

    [Fact]
    public void Exchange_LossyWireBothWays_DeliversEveryReliableMessageExactlyOnceOrReportsIt()
    {
        var random = new Random(42);
        var link = new LinkPair();
        link.A.Lose = _ => random.Next(4) == 0;
        link.B.Lose = _ => random.Next(4) == 0;
        var sent = new List<string>();

        for (var i = 0; i < 300; i++)
        {
            var message = new ButtonEvent((uint)i, (byte)(i % 3), ButtonAction.Press, (ushort)i);
            while (!link.A.Endpoint.Send(message, true, link.Now))
            {
                link.Advance(50);
            }

            sent.Add(Messages.Describe(message));
            link.Advance(10);
        }

        for (var i = 0; i < 100; i++)
        {
            link.Advance(200);
        }

        // With a quarter of frames lost each way, 5 attempts leave about 0.4^5 = 1% undelivered; those are reported.
        var delivered = link.B.Received.Select(Messages.Describe).ToList();
        var failed = link.A.Failed.Select(Messages.Describe).ToList();
        Assert.Equal(delivered.Count, delivered.Distinct().Count());
        Assert.Equal(sent.Order(), delivered.Concat(failed.Where(f => !delivered.Contains(f))).Order());
        Assert.True(delivered.Count >= 280, $"only {delivered.Count} of 300 delivered");
        Assert.Equal(0, link.A.Endpoint.PendingCount);
    }
}
