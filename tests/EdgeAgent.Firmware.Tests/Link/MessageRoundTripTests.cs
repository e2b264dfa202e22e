using EdgeAgent.Firmware.Link;
using EdgeAgent.Firmware.Tests.Support;

namespace EdgeAgent.Firmware.Tests.Link;

public sealed class MessageRoundTripTests
{
    public static TheoryData<string> MessageClasses() => [.. Messages.Classes.Select(t => t.Name)];

    [Fact]
    public void MessageClasses_CoverEveryMessageTypeOnce()
    {
        var types = Messages.Classes.Select(t => Messages.Random(t, new Random(1)).Type).ToList();

        Assert.Equal(Enum.GetValues<MessageType>().Order(), types.Order());
    }

    [Theory]
    [MemberData(nameof(MessageClasses))]
    public void EncodeDecode_RandomFields_ComeBackFieldForField(string className)
    {
        var random = new Random(className.Length * 7919);
        for (var i = 0; i < 500; i++)
        {
            var message = Messages.Random(Messages.ClassNamed(className), random);
            var flags = (byte)random.Next(2);
            var sequence = (byte)random.Next(256);

            var frames = WireCodec.Decode(new FrameDecoder(), WireCodec.Encode(message, flags, sequence));

            var frame = Assert.Single(frames);
            Assert.Equal(Frame.CurrentVersion, frame.Version);
            Assert.Equal((byte)message.Type, frame.Type);
            Assert.Equal(flags, frame.Flags);
            Assert.Equal(sequence, frame.Sequence);
            Assert.Equal(message.BodyLength, frame.Body.Length);
            Assert.Equal(MessageCodec.BodyLength(frame.Type), frame.Body.Length);
            var decoded = MessageCodec.Decode(frame.Type, frame.Body);
            Assert.NotNull(decoded);
            Assert.Equal(Messages.Describe(message), Messages.Describe(decoded));
        }
    }

    [Theory]
    [MemberData(nameof(MessageClasses))]
    public void Decode_BodyOneByteShortOrLong_IsNotAMessage(string className)
    {
        var message = Messages.Random(Messages.ClassNamed(className), new Random(3));

        Assert.Null(MessageCodec.Decode((byte)message.Type, new byte[message.BodyLength - 1]));
        Assert.Null(MessageCodec.Decode((byte)message.Type, new byte[message.BodyLength + 1]));
    }

    [Fact]
    public void BodyLength_UnknownType_IsMinusOne()
    {
        Assert.Equal(-1, MessageCodec.BodyLength(0x55));
        Assert.Null(MessageCodec.Decode(0x55, new byte[3]));
    }

    [Fact]
    public void Encode_EveryType_FitsTheLongestFrame()
    {
        foreach (var type in Messages.Classes)
        {
            Assert.InRange(Messages.Random(type, new Random(5)).BodyLength, 1, Frame.MaxBodyLength);
        }
    }
}
