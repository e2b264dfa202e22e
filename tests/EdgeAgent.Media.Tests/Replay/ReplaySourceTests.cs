using EdgeAgent.Core.Audio;
using EdgeAgent.Core.Replay;
using EdgeAgent.Core.Vision;
using EdgeAgent.Media.Replay;
using EdgeAgent.Media.Tests.Audio;
using EdgeAgent.TestKit.IO;
using Microsoft.Extensions.Time.Testing;
using NAudio.Wave;
using SkiaSharp;

namespace EdgeAgent.Media.Tests.Replay;

/// <summary>Replayed camera and microphone on a fake clock: frames and clips at their recorded times, exactly.</summary>
public sealed class ReplaySourceTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ReplayImageSource_YieldsEachFrameAtItsTime_AndIgnoresOtherSensors()
    {
        Image("frames/0001.png", SKColors.Red);
        Image("frames/0002.png", SKColors.Lime);
        Image("frames/0003.png", SKColors.Blue);
        Image("other/side.png", SKColors.White);
        var trace = Trace(
            """{"trace":"ea/v1/trace","product":"smart-glasses","note":"desk replay"}""",
            """{"t_ms":0,"sensor":"camera","kind":"image","file":"frames/0001.png"}""",
            """{"t_ms":20,"sensor":"side-camera","kind":"image","file":"other/side.png"}""",
            """{"t_ms":40,"sensor":"camera","kind":"image","file":"frames/0002.png"}""",
            """{"t_ms":40,"sensor":"mic","kind":"audio","file":"audio/missing-is-not-ours.wav"}""",
            """{"t_ms":500,"sensor":"imu","kind":"motion","ax_g":0.01,"ay_g":0,"az_g":1.0,"gx_dps":0.1,"gy_dps":0,"gz_dps":0}""",
            $$"""{"t_ms":1000,"sensor":"camera","kind":"image","file":"{{_dir.Combine("frames", "0003.png")}}"}""");
        var source = new ReplayImageSource(trace, "camera", _time);
        Assert.True(source.IsLive);
        Assert.Equal(3, source.Count);

        await using var frames = source.ReadAsync(CancellationToken.None).GetAsyncEnumerator();

        Assert.Equal(SKColors.Red, Colour(await Next(frames, TimeSpan.Zero)));
        Assert.Equal(SKColors.Lime, Colour(await Next(frames, TimeSpan.FromMilliseconds(40))));
        Assert.Equal(SKColors.Blue, Colour(await Next(frames, TimeSpan.FromMilliseconds(960))));
        Assert.False(await frames.MoveNextAsync());
    }

    [Fact]
    public async Task ReplayAudioSource_CutsEachRecordingIntoWindows_YieldedWhenEachIsComplete()
    {
        // 0.25 s at 16 kHz from t = 40 ms, 100 ms windows: clips of 1600, 1600 and 800 samples at 140, 240 and 290 ms;
        // a second 50 ms recording at 1000 ms: one 800-sample clip at 1050 ms.
        Wav("audio/0001.wav", 4_000, f => ((f % 200) - 100) / 128.0);
        Wav("audio/0002.wav", 800, f => 0.25);
        var trace = Trace(
            """{"t_ms":0,"sensor":"camera","kind":"image","file":"frames/none-needed.jpg"}""",
            """{"t_ms":40,"sensor":"mic","kind":"audio","file":"audio/0001.wav"}""",
            """{"t_ms":1000,"sensor":"mic","kind":"audio","file":"audio/0002.wav"}""");
        var source = new ReplayAudioSource(trace, "mic", TimeSpan.FromMilliseconds(100), _time);

        await using var clips = source.ReadAsync(CancellationToken.None).GetAsyncEnumerator();
        var first = await Next(clips, TimeSpan.FromMilliseconds(140));
        var second = await Next(clips, TimeSpan.FromMilliseconds(100));
        var third = await Next(clips, TimeSpan.FromMilliseconds(50));
        var fourth = await Next(clips, TimeSpan.FromMilliseconds(760));

        Assert.Equal([1_600, 1_600, 800, 800], new[] { first, second, third, fourth }.Select(c => c.Samples.Length));
        var whole = first.Samples.Concat(second.Samples).Concat(third.Samples).ToArray();
        // The WAV holds round(v x 32767) as 16-bit PCM, which the decoder reads back as n / 32768.
        Assert.Equal(Enumerable.Range(0, 4_000).Select(f => (float)Math.Round(((f % 200) - 100) / 128.0 * short.MaxValue) / 32768f), whole);
        Assert.All(fourth.Samples, s => Assert.Equal(0.25f, s, 1e-4f));
        Assert.Equal((16_000, 1, 16), (first.SourceSampleRate, first.SourceChannels, first.SourceBitsPerSample));
        Assert.False(await clips.MoveNextAsync());
    }

    [Fact]
    public async Task ReadAsync_CancelledWhileWaiting_Stops()
    {
        Image("a.png", SKColors.Red);
        var trace = Trace("""{"t_ms":5000,"sensor":"camera","kind":"image","file":"a.png"}""");
        using var stop = new CancellationTokenSource();
        await using var frames = new ReplayImageSource(trace, "camera", _time).ReadAsync(stop.Token).GetAsyncEnumerator();

        var next = frames.MoveNextAsync();
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await next);
    }

    // The envelope (t_ms, sensor, kind, valid, header) is Core's TraceReader's: tests/EdgeAgent.Core.Tests/Replay. These
    // are the media lines' own fields, and one envelope error to show it is the same reader.
    public static TheoryData<string, int, string, string> BadLines() => new()
    {
        { """{"t_ms":0,"sensor":"camera","kind":"image"}""", 1, "file", "is missing (a string)" },
        { """{"t_ms":0,"sensor":"camera","kind":"image","file":7}""", 1, "file", "must be a non-empty string, not 7" },
        { """{"t_ms":0,"sensor":"camera","kind":"image","file":""}""", 1, "file", "must be a non-empty string, not \"\"" },
        { """{"t_ms":0,"sensor":"camera","kind":"image","file":"a.png"}""" + "\n" + """{"t_ms":40,"sensor":"camera","kind":"image","file":"frames/gone.png"}""", 2, "file", "names frames/gone.png, which does not exist (looked for " },
        { """{"t_ms":0,"sensor":"camera","kind":"audio","file":"a.png"}""", 1, "kind", "of sensor 'camera' must be \"image\", not \"audio\"" },
        { """{"t_ms":500,"sensor":"imu","kind":"motion"}""" + "\n" + """{"t_ms":40,"sensor":"camera","kind":"image","file":"a.png"}""", 2, "t_ms", "must not decrease down the file, not 40 after 500 on line 1" },
    };

    [Theory]
    [MemberData(nameof(BadLines))]
    public void Constructor_BadLine_NamesTheFileLineAndField(string text, int line, string field, string problem)
    {
        Image("a.png", SKColors.Red);
        var trace = Trace(text);

        var e = Assert.Throws<TraceFormatException>(() => new ReplayImageSource(trace, "camera", _time));

        Assert.Equal((trace, line, field), (e.Path, e.Line, e.Field));
        Assert.StartsWith($"{trace}:{line}: field '{field}' {problem}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReplayImageSource_AFailedCapture_DeliversNothing_AndNeedsNoFile()
    {
        Image("a.png", SKColors.Red);
        var trace = Trace(
            """{"t_ms":0,"sensor":"camera","kind":"image","valid":false}""",
            """{"t_ms":40,"sensor":"camera","kind":"image","file":"a.png"}""");
        var source = new ReplayImageSource(trace, "camera", _time);
        Assert.Equal(1, source.Count);

        await using var frames = source.ReadAsync(CancellationToken.None).GetAsyncEnumerator();

        Assert.Equal(SKColors.Red, Colour(await Next(frames, TimeSpan.FromMilliseconds(40))));
        Assert.False(await frames.MoveNextAsync());
    }

    [Fact]
    public void Constructor_MissingTrace_SaysItIsNoTraceFile()
    {
        var path = _dir.Combine("none.jsonl");

        var e = Assert.Throws<FileNotFoundException>(() => new ReplayAudioSource(path, "mic", TimeSpan.FromSeconds(1), _time));

        Assert.Equal($"{path}: no such trace file (a recorded trace, hardware/TRACES.md)", e.Message);
    }

    /// <summary>
    /// The next item, <paramref name="after"/> the previous one: not a tick before (checked on the fake clock, which only
    /// moves when told), and then, with the clock at that time, the item itself.
    /// </summary>
    private async Task<T> Next<T>(IAsyncEnumerator<T> items, TimeSpan after)
    {
        var next = items.MoveNextAsync();
        if (after > TimeSpan.Zero)
        {
            _time.Advance(after - TimeSpan.FromTicks(1));
            Assert.False(next.IsCompleted, $"an item came before {after.TotalMilliseconds} ms had passed");
            _time.Advance(TimeSpan.FromTicks(1));
        }

        Assert.True(await next);
        return items.Current;
    }

    private string Trace(params string[] lines)
    {
        var path = _dir.Combine("trace.jsonl");
        File.WriteAllText(path, string.Join("\n", lines) + "\n");
        return path;
    }

    private void Image(string relative, SKColor colour)
    {
        var path = _dir.Combine(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var bitmap = new SKBitmap(8, 6);
        bitmap.Erase(colour);
        using var png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, png.ToArray());
    }

    private void Wav(string relative, int frames, Func<int, double> sample)
    {
        var path = _dir.Combine(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        TestWav.Write(path, new WaveFormat(16_000, 16, 1), frames, (_, f) => sample(f));
    }

    private static SKColor Colour(RgbImage image) => new(image.Pixels[0], image.Pixels[1], image.Pixels[2]);
}
