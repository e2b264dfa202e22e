using System.Globalization;

namespace EdgeAgent.Core.Audio.VoiceActivity;

/// <summary>
/// How speech probabilities become segments. The defaults are those of silero-vad's <c>get_speech_timestamps</c>
/// (snakers4/silero-vad, src/silero_vad/utils_vad.py): threshold 0.5, neg_threshold max(threshold − 0.15, 0.01),
/// min_speech_duration_ms 250, min_silence_duration_ms 100, speech_pad_ms 30. (Its max_speech_duration_s, infinite by
/// default, is not offered: segments are never split for length.)
/// </summary>
public sealed record VadOptions
{
    /// <summary>The longest duration an option accepts; keeps sample arithmetic far from overflow.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromHours(1);

    /// <summary>A window whose speech probability is at least this starts (or continues) speech. get_speech_timestamps: threshold = 0.5.</summary>
    public double Threshold { get; init; } = 0.5;

    /// <summary>
    /// While in speech, a window below this counts as silence. Null means silero's default,
    /// max(<see cref="Threshold"/> − 0.15, 0.01) (get_speech_timestamps: neg_threshold).
    /// </summary>
    public double? EndThreshold { get; init; }

    /// <summary>Segments this short or shorter are dropped. get_speech_timestamps: min_speech_duration_ms = 250.</summary>
    public TimeSpan MinSpeechDuration { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Silence must last this long before a segment ends. get_speech_timestamps: min_silence_duration_ms = 100.</summary>
    public TimeSpan MinSilenceDuration { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Each segment is widened by this much on both sides. get_speech_timestamps: speech_pad_ms = 30.</summary>
    public TimeSpan SpeechPad { get; init; } = TimeSpan.FromMilliseconds(30);

    /// <summary><see cref="EndThreshold"/>, or silero's default when it is null.</summary>
    public double EffectiveEndThreshold => EndThreshold ?? Math.Max(Threshold - 0.15, 0.01);

    /// <summary>Every problem with these options, one sentence each naming the option and what it accepts; empty when valid.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!(Threshold > 0 && Threshold < 1))
        {
            problems.Add($"{nameof(VadOptions)}.{nameof(Threshold)} is {Format(Threshold)}; it must be greater than 0 and less than 1");
        }

        if (EndThreshold is { } end && !(end > 0 && end <= Threshold))
        {
            problems.Add($"{nameof(VadOptions)}.{nameof(EndThreshold)} is {Format(end)}; it must be greater than 0 and at most {nameof(Threshold)} ({Format(Threshold)}), or null for max(Threshold - 0.15, 0.01)");
        }

        CheckDuration(problems, nameof(MinSpeechDuration), MinSpeechDuration);
        CheckDuration(problems, nameof(MinSilenceDuration), MinSilenceDuration);
        CheckDuration(problems, nameof(SpeechPad), SpeechPad);
        return problems;
    }

    /// <summary>Throws when <see cref="Problems"/> finds any.</summary>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public void Validate()
    {
        var problems = Problems();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", problems));
        }
    }

    private static void CheckDuration(List<string> problems, string name, TimeSpan value)
    {
        if (value < TimeSpan.Zero || value > MaxDuration)
        {
            problems.Add($"{nameof(VadOptions)}.{name} is {value}; it must be between 0 and {MaxDuration}");
        }
    }

    private static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}
