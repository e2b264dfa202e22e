using System.Text.RegularExpressions;
using EdgeAgent.Firmware.Link;
using EdgeAgent.Firmware.Tests.Support;

namespace EdgeAgent.Firmware.Tests.Link;

/// <summary>firmware/PROTOCOL.md's byte-level examples, read from the document itself: the ```frame blocks (a
/// message, its frame before COBS and on the wire) and the ```dropped blocks (bytes the decoder must drop, and why).</summary>
public sealed partial class ProtocolDocumentTests
{
    private static readonly string Document = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "PROTOCOL.md"));

    public static TheoryData<string> FrameExamples() => [.. Blocks("frame")];

    public static TheoryData<string> DroppedExamples() => [.. Blocks("dropped")];

    [Fact]
    public void Document_HasAnExampleForEveryMessageType()
    {
        var described = Blocks("frame").Select(b => Messages.Create(Fields(b)["message"].Split(' ')[0], Arguments(Fields(b)["message"])).Type);

        Assert.Equal(Enum.GetValues<MessageType>().Order(), described.Distinct().Order());
        Assert.Equal(3, Blocks("dropped").Count);
    }

    [Theory]
    [MemberData(nameof(FrameExamples))]
    public void Example_EncodesToTheDocumentedBytes(string block)
    {
        var fields = Fields(block);
        var message = Messages.Create(fields["message"].Split(' ')[0], Arguments(fields["message"]));
        var flags = Hex.Parse(fields["flags"]).Single();
        var sequence = Hex.Parse(fields["sequence"]).Single();

        var frame = new byte[Frame.MaxLength];
        var length = FrameEncoder.WriteFrame(message, flags, sequence, frame);

        Assert.Equal(fields["frame"], Hex.Format(frame.Take(length)));
        Assert.Equal(fields["wire"], Hex.Format(WireCodec.Encode(message, flags, sequence)));
    }

    [Theory]
    [MemberData(nameof(FrameExamples))]
    public void Example_DocumentedWireDecodesToTheDocumentedMessage(string block)
    {
        var fields = Fields(block);
        var expected = Messages.Create(fields["message"].Split(' ')[0], Arguments(fields["message"]));

        var frame = Assert.Single(WireCodec.Decode(new FrameDecoder(), Hex.Parse(fields["wire"])));

        Assert.Equal(Hex.Parse(fields["flags"]).Single(), frame.Flags);
        Assert.Equal(Hex.Parse(fields["sequence"]).Single(), frame.Sequence);
        var message = MessageCodec.Decode(frame.Type, frame.Body);
        Assert.NotNull(message);
        Assert.Equal(Messages.Describe(expected), Messages.Describe(message));
    }

    [Theory]
    [MemberData(nameof(DroppedExamples))]
    public void DroppedExample_IsDroppedForTheDocumentedReason(string block)
    {
        var fields = Fields(block);
        var decoder = new FrameDecoder();

        Assert.Empty(WireCodec.Decode(decoder, Hex.Parse(fields["wire"])));
        var counter = typeof(FrameDecoder).GetProperty(fields["reason"]) ?? throw new ArgumentException($"FrameDecoder counts no {fields["reason"]}");
        Assert.Equal(1, counter.GetValue(decoder));
        Assert.Equal(1, decoder.Dropped);
    }

    [Fact]
    public void UnknownTypeExample_IsIntactButUnreadable()
    {
        // The "newer board" frame in the Acknowledgement section.
        var wire = Regex.Match(Document, @"wire `(?<hex>[0-9A-F ]+)`: intact").Groups["hex"].Value;

        var frame = Assert.Single(WireCodec.Decode(new FrameDecoder(), Hex.Parse(wire)));

        Assert.Equal(0x55, frame.Type);
        Assert.True(frame.AckRequested);
        Assert.Equal(0x30, frame.Sequence);
        Assert.Null(MessageCodec.Decode(frame.Type, frame.Body));
    }

    private static List<string> Blocks(string language) =>
        BlockPattern().Matches(Document).Where(m => m.Groups["lang"].Value == language).Select(m => m.Groups["body"].Value).ToList();

    private static Dictionary<string, string> Fields(string block) => block
        .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(line => line.Split(':', 2))
        .ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.Ordinal);

    private static Dictionary<string, string> Arguments(string messageLine) => messageLine
        .Split(' ', StringSplitOptions.RemoveEmptyEntries)
        .Skip(1)
        .Select(a => a.Split('=', 2))
        .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);

    [GeneratedRegex(@"^```(?<lang>frame|dropped)\n(?<body>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex BlockPattern();
}
