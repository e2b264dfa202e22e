using EdgeAgent.Firmware.Link;
using EdgeAgent.Firmware.Tests.Support;

namespace EdgeAgent.Firmware.Tests.Link;

public sealed class CobsTests
{
    // The examples of Cheshire and Baker's paper, as the COBS literature lists them.
    [Theory]
    [InlineData("00", "01 01")]
    [InlineData("00 00", "01 01 01")]
    [InlineData("00 11 00", "01 02 11 01")]
    [InlineData("11 22 00 33", "03 11 22 02 33")]
    [InlineData("11 22 33 44", "05 11 22 33 44")]
    [InlineData("11 00 00 00", "02 11 01 01 01")]
    [InlineData("", "01")]
    public void Encode_KnownVectors_MatchTheLiterature(string input, string expected)
    {
        var source = Hex.Parse(input);
        var encoded = new byte[source.Length + 1];

        var length = Cobs.Encode(source, 0, source.Length, encoded, 0);

        Assert.Equal(expected, Hex.Format(encoded.Take(length)));
        var decoded = new byte[source.Length];
        Assert.Equal(source.Length, Cobs.Decode(encoded, 0, length, decoded, 0));
        Assert.Equal(input, Hex.Format(decoded));
    }

    [Fact]
    public void EncodeDecode_RandomInputsUpToOneBlock_RoundTripWithoutZerosAndOneByteLonger()
    {
        var random = new Random(9);
        for (var i = 0; i < 2000; i++)
        {
            var source = new byte[random.Next(Cobs.MaxInputLength + 1)];
            random.NextBytes(source);
            for (var z = 0; z < source.Length / 4; z++)
            {
                source[random.Next(source.Length)] = 0;
            }

            var encoded = new byte[source.Length + 1];
            var length = Cobs.Encode(source, 0, source.Length, encoded, 0);
            var decoded = new byte[source.Length];

            Assert.Equal(source.Length + 1, length);
            Assert.DoesNotContain((byte)0, encoded);
            Assert.Equal(source.Length, Cobs.Decode(encoded, 0, length, decoded, 0));
            Assert.Equal(source, decoded);
        }
    }

    [Theory]
    [InlineData("03 11 00 33")] // a zero inside
    [InlineData("05 11 22 33")] // a code byte pointing past the end
    [InlineData("00")]
    public void Decode_InvalidInput_ReturnsMinusOne(string input)
    {
        var source = Hex.Parse(input);

        Assert.Equal(-1, Cobs.Decode(source, 0, source.Length, new byte[16], 0));
    }

    [Fact]
    public void Decode_OutputLongerThanDestination_ReturnsMinusOne()
    {
        var source = Hex.Parse("05 11 22 33 44");

        Assert.Equal(-1, Cobs.Decode(source, 0, source.Length, new byte[3], 0));
    }
}
