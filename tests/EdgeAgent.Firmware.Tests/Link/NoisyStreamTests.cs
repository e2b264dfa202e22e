using EdgeAgent.Firmware.Link;
using EdgeAgent.Firmware.Tests.Support;

namespace EdgeAgent.Firmware.Tests.Link;

/// <summary>
/// Property: over a long stream of random frames, some damaged (bit flips anywhere in the frame, its delimiters
/// included; truncation; noise bursts between frames), every damaged frame is dropped, every good frame comes out,
/// in order and field for field, and nothing throws. Seeded, so a failure replays; a fixed count, so it is bounded.
/// </summary>
public sealed class NoisyStreamTests
{
    private const int Frames = 12_000;

    private enum Damage { None, BitFlips, Truncated, NoiseBefore }

    [Theory]
    [InlineData(20261202)]
    [InlineData(7)]
    [InlineData(1999)]
    public void Decode_StreamWithDamagedFrames_DropsEveryDamagedFrameAndRecoversEveryGoodOne(int seed)
    {
        var random = new Random(seed);
        var stream = new List<byte>();
        var expected = new List<string>();
        var damaged = 0;
        var counts = new Dictionary<Damage, int>();
        for (var i = 0; i < Frames; i++)
        {
            var message = Messages.Random(random);
            var flags = (byte)random.Next(2);
            var sequence = (byte)random.Next(256);
            var wire = WireCodec.Encode(message, flags, sequence);
            var damage = random.Next(10) switch { 0 => Damage.BitFlips, 1 => Damage.Truncated, 2 => Damage.NoiseBefore, _ => Damage.None };
            counts[damage] = counts.GetValueOrDefault(damage) + 1;
            switch (damage)
            {
                case Damage.BitFlips:
                    // One to three distinct bits (two flips of the same bit would be no damage).
                    foreach (var bit in Enumerable.Range(0, wire.Length * 8).OrderBy(_ => random.Next()).Take(random.Next(1, 4)))
                    {
                        wire[bit / 8] ^= (byte)(1 << (bit % 8));
                    }

                    stream.AddRange(wire);
                    damaged++;
                    continue;
                case Damage.Truncated:
                    // At least the leading delimiter and one byte, never the trailing delimiter.
                    stream.AddRange(wire.Take(random.Next(2, wire.Length - 1)));
                    damaged++;
                    continue;
                case Damage.NoiseBefore:
                    var noise = new byte[random.Next(1, 100)];
                    random.NextBytes(noise);
                    stream.AddRange(noise);
                    break;
            }

            stream.AddRange(wire);
            expected.Add(Describe(flags, sequence, message));
        }

        var decoder = new FrameDecoder();
        var received = new List<string>();
        foreach (var frame in WireCodec.Decode(decoder, stream))
        {
            var message = MessageCodec.Decode(frame.Type, frame.Body);
            Assert.True(message is not null, $"an intact frame of type {frame.Type:X2} did not decode");
            received.Add(Describe(frame.Flags, frame.Sequence, message));
        }

        Assert.All(counts.Keys, k => Assert.True(counts[k] > Frames / 20, $"{k}: only {counts[k]} frames"));
        Assert.Equal(expected.Count, received.Count);
        Assert.Equal(expected, received);
        Assert.Equal(expected.Count, decoder.Frames);
        Assert.True(decoder.Dropped >= damaged, $"{damaged} frames were damaged, {decoder.Dropped} chunks dropped");
    }

    [Fact]
    public void Decode_EndlessGarbageWithoutDelimiter_NeverGrowsAndRecoversAtTheNextFrame()
    {
        var random = new Random(11);
        var garbage = new byte[100_000];
        random.NextBytes(garbage);
        for (var i = 0; i < garbage.Length; i++)
        {
            garbage[i] = garbage[i] == 0 ? (byte)1 : garbage[i];
        }

        var message = new ButtonEvent(5, 1, ButtonAction.Press, 120);
        var decoder = new FrameDecoder();

        var frames = WireCodec.Decode(decoder, garbage.Concat(WireCodec.Encode(message, 1, 9)));

        var frame = Assert.Single(frames);
        Assert.Equal(Messages.Describe(message), Messages.Describe(MessageCodec.Decode(frame.Type, frame.Body)!));
        Assert.Equal(1, decoder.Malformed);
    }

    [Fact]
    public void Decode_RandomBytesOnly_NeverThrowsAndFindsNoFrame()
    {
        var random = new Random(12);
        var bytes = new byte[500_000];
        random.NextBytes(bytes);
        var decoder = new FrameDecoder();

        var frames = WireCodec.Decode(decoder, bytes);

        Assert.Empty(frames);
        Assert.True(decoder.Dropped > 1000);
    }

    private static string Describe(byte flags, byte sequence, Message message) => $"{flags:X2} {sequence:X2} {Messages.Describe(message)}";
}
