namespace EdgeAgent.Core.Audio.VoiceActivity;

/// <summary>A stretch of speech, in seconds from the start of the audio (end exclusive).</summary>
public readonly record struct SpeechSegment(double StartSeconds, double EndSeconds)
{
    public double DurationSeconds => EndSeconds - StartSeconds;
}
