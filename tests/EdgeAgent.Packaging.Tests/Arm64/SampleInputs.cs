using System.Diagnostics;
using EdgeAgent.TestKit.Data;
using EdgeAgent.TestKit.IO;
using SkiaSharp;

namespace EdgeAgent.Packaging.Tests.Arm64;

/// <summary>
/// The real inputs both builds run on, the same as the demo's (none committed): a sentence spoken by espeak-ng,
/// photographs from Debian's python3-skimage (a face, a cat), and the first three words of its scanned page of text.
/// Three words, not the page: recognition is the costly model under QEMU (its input is at least 320 pixels wide and
/// grows with the line: on this 2-core machine the whole first line took 22-51 s to recognise, depending on the load,
/// three words half that), and they run detection and recognition all the same.
/// </summary>
public sealed class SampleInputs : IDisposable
{
    private const string Skimage = "usr/lib/python3/dist-packages/skimage/data/";

    private readonly TempDirectory _temp = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _made = new(StringComparer.Ordinal);

    /// <summary>
    /// The input of a model family of <see cref="InferOnArm64Tests.Families"/>, made at its first use (so that a
    /// skipped stage makes nothing): a WAV file of speech for silero-vad, a directory of two photographs for blazeface
    /// (one run, a result per file), three printed English words for ppocr.
    /// </summary>
    public string For(string family)
    {
        lock (_gate)
        {
            if (!_made.TryGetValue(family, out var path))
            {
                path = Make(family);
                _made[family] = path;
            }

            return path;
        }
    }

    private string Make(string family)
    {
        switch (family)
        {
            case "silero-vad":
                var speech = _temp.Combine("speech.wav");
                Speak(speech, "EdgeAgent records every activation. The hub verifies each record.");
                return speech;
            case "blazeface":
                var photos = Directory.CreateDirectory(_temp.Combine("photos")).FullName;
                foreach (var photo in new[] { "astronaut.png", "chelsea.png" })
                {
                    File.Copy(DebianPackageFile.Get("python3-skimage", Skimage + photo), Path.Combine(photos, photo));
                }

                return photos;
            case "ppocr":
                var line = _temp.Combine("text-line.png");
                // bw_text.png is 516 x 333; its first line of text lies between y 23 and 46, and its first three words
                // ("Men may seem") end before x 215.
                Crop(DebianPackageFile.Get("python3-skimage", Skimage + "bw_text.png"), new SKRectI(0, 14, 215, 54), line);
                return line;
            default:
                throw new ArgumentOutOfRangeException(nameof(family), family, "no sample input for this model family; add one here");
        }
    }

    public void Dispose() => _temp.Dispose();

    private static void Speak(string wav, string text)
    {
        var start = new ProcessStartInfo("espeak-ng") { RedirectStandardError = true, ArgumentList = { "-v", "en-us", "-w", wav, text } };
        using var espeak = Process.Start(start) ?? throw new InvalidOperationException("espeak-ng did not start");
        var error = espeak.StandardError.ReadToEnd();
        espeak.WaitForExit();
        Assert.True(espeak.ExitCode == 0 && File.Exists(wav), $"espeak-ng failed ({espeak.ExitCode}): {error}; install it with apt-get install espeak-ng (./build.sh --target=Test does)");
    }

    private static void Crop(string png, SKRectI area, string output)
    {
        using var page = SKBitmap.Decode(png) ?? throw new InvalidOperationException($"{png} is not a PNG SkiaSharp decodes");
        using var line = new SKBitmap(area.Width, area.Height);
        Assert.True(page.ExtractSubset(line, area), $"{png} ({page.Width} x {page.Height}) does not hold {area}");
        using var image = SKImage.FromBitmap(line);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(output, data.ToArray());
    }
}
