using EdgeAgent.Core.Audio.VoiceActivity;

namespace EdgeAgent.Core.Tests.Audio;

public sealed class VadOptionsTests
{
    [Fact]
    public void Defaults_AreThoseOfGetSpeechTimestamps()
    {
        var o = new VadOptions();

        Assert.Equal(0.5, o.Threshold);
        Assert.Equal(0.35, o.EffectiveEndThreshold, 12);
        Assert.Equal(TimeSpan.FromMilliseconds(250), o.MinSpeechDuration);
        Assert.Equal(TimeSpan.FromMilliseconds(100), o.MinSilenceDuration);
        Assert.Equal(TimeSpan.FromMilliseconds(30), o.SpeechPad);
        Assert.Empty(o.Problems());
    }

    [Fact]
    public void EffectiveEndThreshold_LowThreshold_IsFloorednAt0_01()
    {
        Assert.Equal(0.01, new VadOptions { Threshold = 0.1 }.EffectiveEndThreshold);
    }

    [Theory]
    [InlineData(0.0, null, 0, "VadOptions.Threshold is 0; it must be greater than 0 and less than 1")]
    [InlineData(1.0, null, 0, "VadOptions.Threshold is 1; it must be greater than 0 and less than 1")]
    [InlineData(0.5, 0.6, 0, "VadOptions.EndThreshold is 0.6; it must be greater than 0 and at most Threshold (0.5)")]
    [InlineData(0.5, 0.0, 0, "VadOptions.EndThreshold is 0; it must be greater than 0")]
    [InlineData(0.5, null, -1, "VadOptions.SpeechPad is -00:00:00.0010000; it must be between 0 and 01:00:00")]
    public void Problems_OutOfRange_NameTheOptionAndWhatItAccepts(double threshold, double? end, int padMs, string expected)
    {
        var o = new VadOptions { Threshold = threshold, EndThreshold = end, SpeechPad = TimeSpan.FromMilliseconds(padMs) };

        var problem = Assert.Single(o.Problems());

        Assert.StartsWith(expected, problem, StringComparison.Ordinal);
        Assert.StartsWith(expected, Assert.Throws<ArgumentException>(o.Validate).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Problems_SeveralWrong_ListsEach()
    {
        var o = new VadOptions { Threshold = double.NaN, MinSpeechDuration = TimeSpan.FromHours(2), MinSilenceDuration = TimeSpan.FromSeconds(-1) };

        Assert.Equal(3, o.Problems().Count);
    }
}
