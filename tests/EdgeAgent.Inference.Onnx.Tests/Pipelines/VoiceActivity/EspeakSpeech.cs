using System.ComponentModel;
using System.Diagnostics;
using EdgeAgent.Core.Audio;
using EdgeAgent.Media.Audio;
using EdgeAgent.TestKit.IO;

namespace EdgeAgent.Inference.Onnx.Tests.Pipelines.VoiceActivity;

/// <summary>
/// Real speech for the voice-activity tests: sentences spoken by espeak-ng (the Debian package the Test target
/// installs), written to WAV by espeak itself and decoded to 16 kHz with <see cref="WavDecoder"/>. Each utterance is
/// trimmed to where its sound is (espeak pads with digital silence), so the test knows to the sample where speech is.
/// </summary>
internal static class EspeakSpeech
{
    /// <summary>
    /// A 10 ms frame with RMS above this (−50 dBFS) has sound in it. espeak's own padding and pauses are exact zeros;
    /// its quietest speech frames (the onset of an "h", the hiss of an "s") measure 0.005 and up.
    /// </summary>
    public const float SoundRms = 0.003f;

    private const int Frame = AudioClip.SampleRate / 100;

    /// <summary>The sentence spoken by espeak-ng (voice en-us), trimmed to its first and last frame with sound.</summary>
    public static float[] Say(string text)
    {
        using var dir = new TempDirectory();
        var wav = dir.Combine("speech.wav");
        Run("espeak-ng", "-v", "en-us", "-w", wav, text);
        var samples = WavDecoder.Decode(wav).Samples;
        var (first, last) = SoundExtent(samples);
        Assert.True(last > first, $"espeak-ng spoke no audible sound for \"{text}\"");
        return samples[first..last];
    }

    /// <summary>The sample range [first, last) from the first to the end of the last 10 ms frame with RMS above <see cref="SoundRms"/>.</summary>
    public static (int First, int Last) SoundExtent(ReadOnlySpan<float> samples)
    {
        int first = -1, last = -1;
        for (var at = 0; at + Frame <= samples.Length; at += Frame)
        {
            double energy = 0;
            foreach (var s in samples.Slice(at, Frame))
            {
                energy += s * s;
            }

            if (Math.Sqrt(energy / Frame) > SoundRms)
            {
                first = first < 0 ? at : first;
                last = at + Frame;
            }
        }

        return (Math.Max(first, 0), Math.Max(last, 0));
    }

    private static void Run(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException(
                $"{command} is not installed ({e.Message}); install it with 'apt-get install espeak-ng' (./build.sh --target=Test does)", e);
        }

        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            _ = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"{command} {string.Join(' ', arguments)} failed ({process.ExitCode}): {stderr.Result.Trim()}");
        }
    }
}
