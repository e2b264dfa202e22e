using EdgeAgent.Core.Vision.Text;

namespace EdgeAgent.Core.Tests.Vision.Text;

public sealed class CtcDecoderTests
{
    // Classes: 0 blank, 1 "杭", 2 "州", 3 "8", 4 space (blank + 3 entries + space).
    private const int Blank = 0;
    private const int Hang = 1;
    private const int Zhou = 2;
    private const int Eight = 3;
    private const int Space = 4;

    private readonly CtcDecoder _decoder = new(["杭", "州", "8"]);

    [Fact]
    public void ClassCount_IsBlankPlusEntriesPlusSpace()
    {
        Assert.Equal(5, _decoder.ClassCount);
        Assert.Equal(6625, new CtcDecoder(Enumerable.Range(0, 6623).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList()).ClassCount);
    }

    [Fact]
    public void Decode_RepeatedClassWithoutBlank_CollapsesToOneCharacter()
    {
        var (text, _) = _decoder.Decode(Steps(Hang, Hang, Hang, Zhou, Zhou), 5);

        Assert.Equal("杭州", text);
    }

    [Fact]
    public void Decode_RepeatSeparatedByBlank_IsKeptTwice()
    {
        var (text, _) = _decoder.Decode(Steps(Eight, Blank, Eight, Eight, Blank), 5);

        Assert.Equal("88", text);
    }

    [Fact]
    public void Decode_LastClass_IsASpace()
    {
        var (text, _) = _decoder.Decode(Steps(Hang, Space, Space, Zhou), 4);

        Assert.Equal("杭 州", text);
    }

    [Fact]
    public void Decode_OnlyBlanks_IsEmptyWithScoreZero()
    {
        var (text, score) = _decoder.Decode(Steps(Blank, Blank, Blank), 3);

        Assert.Equal(string.Empty, text);
        Assert.Equal(0f, score);
    }

    [Fact]
    public void Decode_Score_IsTheMeanOfTheKeptStepsProbabilities()
    {
        // Kept steps: 0 (0.9, "杭") and 3 (0.5, "州"); step 1 repeats step 0, step 2 is a blank at 0.99.
        float[] p =
        [
            0.05f, 0.9f, 0.05f, 0, 0,
            0.3f, 0.6f, 0.1f, 0, 0,
            0.99f, 0.01f, 0, 0, 0,
            0.2f, 0.1f, 0.5f, 0.2f, 0,
        ];

        var (text, score) = _decoder.Decode(p, 4);

        Assert.Equal("杭州", text);
        Assert.Equal((0.9f + 0.5f) / 2, score, 5);
    }

    [Fact]
    public void Decode_TieBetweenClasses_TheFirstWins()
    {
        // np.argmax returns the first maximum.
        float[] p = [0.1f, 0.1f, 0.4f, 0.4f, 0];

        Assert.Equal("州", _decoder.Decode(p, 1).Text);
    }

    [Fact]
    public void Decode_FewerValuesThanStepsTimesClasses_Throws()
    {
        Assert.Throws<ArgumentException>(() => _decoder.Decode(new float[9], 2));
    }

    /// <summary>One-hot rows (probability 0.9 on the class, the rest shared) for the given class per step.</summary>
    private static float[] Steps(params int[] classes)
    {
        var p = new float[classes.Length * 5];
        for (var t = 0; t < classes.Length; t++)
        {
            for (var c = 0; c < 5; c++)
            {
                p[(t * 5) + c] = c == classes[t] ? 0.9f : 0.025f;
            }
        }

        return p;
    }
}
