using System.Diagnostics;
using System.Text.Json;
using EdgeAgent.Contracts.Catalog;
using EdgeAgent.Device.Cli;
using EdgeAgent.TestKit.Data;
using EdgeAgent.TestKit.IO;
using EdgeAgent.TestKit.Onnx;
using NAudio.Wave;
using SkiaSharp;

namespace EdgeAgent.Device.Tests.Cli;

/// <summary><c>edgeagent infer</c> as a user runs it: the real models, the exact JSON shapes, and the exit codes.</summary>
public sealed class InferCommandTests : IDisposable
{
    private static readonly string Catalog = RepositoryRoot.Combine("models", "catalog.json");
    private static readonly Lazy<string> Astronaut = new(() =>
        DebianPackageFile.Get("python3-skimage", "usr/lib/python3/dist-packages/skimage/data/astronaut.png"));

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Blazeface_Photograph_PrintsTheDocumentedShape()
    {
        var (code, output, error) = await AgentCli.RunAsync("infer", "--model", "blazeface", "--input", Astronaut.Value, "--catalog", Catalog);

        Assert.Equal(0, code);
        Assert.Equal("", error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal(["model", "width", "height", "faces"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("blazeface", root.GetProperty("model").GetString());
        Assert.Equal(512, root.GetProperty("width").GetInt32());
        var face = Assert.Single(root.GetProperty("faces").EnumerateArray());
        Assert.Equal(["x", "y", "w", "h", "score", "keypoints"], face.EnumerateObject().Select(p => p.Name));
        Assert.InRange(face.GetProperty("x").GetDouble(), 150, 210);
        Assert.InRange(face.GetProperty("y").GetDouble(), 50, 110);
        Assert.Equal(6, face.GetProperty("keypoints").GetArrayLength());
        Assert.All(face.GetProperty("keypoints").EnumerateArray(), k => Assert.Equal(2, k.GetArrayLength()));
    }

    [Fact]
    public async Task SileroVad_Silence_PrintsNoSegments()
    {
        var wav = WriteWav("silence.wav", new float[32_000], 16_000);

        var (code, output, _) = await AgentCli.RunAsync("infer", "--model", "silero-vad", "--input", wav, "--catalog", Catalog);

        Assert.Equal(0, code);
        Assert.Equal("""{"model":"silero-vad","duration_s":2,"segments":[]}""", output.Trim());
    }

    [Fact]
    public async Task SileroVad_Speech_PrintsSegmentsWithStartAndEnd()
    {
        var wav = _temp.Combine("speech.wav");
        using (var espeak = Process.Start(new ProcessStartInfo("espeak-ng", ["-w", wav, "The hub verifies every record."])))
        {
            await espeak!.WaitForExitAsync();
        }

        var (code, output, _) = await AgentCli.RunAsync("infer", "--model", "silero-vad", "--input", wav, "--catalog", Catalog);

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        var segment = Assert.Single(json.RootElement.GetProperty("segments").EnumerateArray());
        Assert.Equal(["start_s", "end_s"], segment.EnumerateObject().Select(p => p.Name));
        Assert.True(segment.GetProperty("end_s").GetDouble() > segment.GetProperty("start_s").GetDouble() + 0.5);
    }

    [Fact]
    public async Task Ppocr_RenderedChinese_PrintsTheExactTextAndAFourCornerBox()
    {
        var png = RenderText("首台套认定123");

        var (code, output, _) = await AgentCli.RunAsync("infer", "--model", "ppocr", "--input", png, "--catalog", Catalog);

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("ppocr", json.RootElement.GetProperty("model").GetString());
        var line = Assert.Single(json.RootElement.GetProperty("lines").EnumerateArray());
        Assert.Equal(["text", "score", "box"], line.EnumerateObject().Select(p => p.Name));
        Assert.Equal("首台套认定123", line.GetProperty("text").GetString());
        Assert.Equal(4, line.GetProperty("box").GetArrayLength());
    }

    [Fact]
    public async Task Directory_OneLineOfJsonPerImage_AndABadFileMakesExitCode2()
    {
        var dir = Directory.CreateDirectory(_temp.Combine("photos")).FullName;
        File.Copy(Astronaut.Value, Path.Combine(dir, "a.png"));
        await File.WriteAllBytesAsync(Path.Combine(dir, "b.jpg"), [0xFF, 0xD8, 0xFF, 0x00, 1, 2, 3]);
        await File.WriteAllTextAsync(Path.Combine(dir, "notes.txt"), "not an image, not looked at");

        var (code, output, error) = await AgentCli.RunAsync("infer", "--model", "blazeface", "--input", dir, "--catalog", Catalog);

        Assert.Equal(ExitCodes.BadInput, code);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.EndsWith($"\"file\":\"{Path.Combine(dir, "a.png")}\"}}", line.Trim(), StringComparison.Ordinal);
        Assert.Contains($"{Path.Combine(dir, "b.jpg")}: ", error, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string> BadInputs() => new()
    {
        { "blazeface", "missing.png", "no such file or directory" },
        { "blazeface", "random.png", "is not an image that can be decoded" },
        { "blazeface", "truncated.png", "truncated" },
        { "blazeface", "empty.jpg", "is empty" },
        { "blazeface", "speech.wav", "is not an image that can be decoded" },
        { "silero-vad", "photo.wav", "is not a WAV file" },
        { "silero-vad", "truncated.wav", "truncated" },
        { "ppocr", "random.png", "is not an image that can be decoded" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task BadInput_ExitsWith2NamingTheFileAndTheProblem(string model, string file, string problem)
    {
        var path = MakeBadInput(file);

        var (code, output, error) = await AgentCli.RunAsync("infer", "--model", model, "--input", path, "--catalog", Catalog);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal("", output);
        Assert.Contains($"{path}: ", error, StringComparison.Ordinal);
        Assert.Contains(problem, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelFileWithAnotherHash_ExitsWith3()
    {
        var model = _temp.Combine("blazeface.onnx");
        File.Copy(RepositoryRoot.Combine("models", ".cache", "blazeface", "face_detection_front_128x128_barracuda.onnx"), model);
        await File.AppendAllTextAsync(model, "tampered");

        var (code, _, error) = await AgentCli.RunAsync("infer", "--model", model, "--input", Astronaut.Value, "--catalog", Catalog);

        Assert.Equal(ExitCodes.ModelProblem, code);
        Assert.Contains("matches no catalog model", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CatalogEntryWhoseFileHasOtherTensors_ExitsWith3SayingWhatWasExpected()
    {
        // A catalog that calls the tiny MLP "blazeface": its hash is pinned correctly, but its tensors are not BlazeFace's.
        var tiny = TinyModels.Mlp();
        var entry = CatalogReader.Load(Catalog).Find("blazeface")! with { Sha256 = tiny.Sha256, SelfTestFile = null, SelfTest = null };
        var catalog = _temp.Combine("catalog.json");
        await File.WriteAllTextAsync(catalog, CatalogReader.Serialize(new ModelCatalog { Schema = 1, Models = [entry] }));
        var cached = Directory.CreateDirectory(_temp.Combine(".cache", "blazeface")).FullName;
        tiny.WriteTo(cached);
        File.Move(Path.Combine(cached, tiny.FileName), Path.Combine(cached, "face_detection_front_128x128_barracuda.onnx"));

        var (code, _, error) = await AgentCli.RunAsync("infer", "--model", "blazeface", "--input", Astronaut.Value, "--catalog", catalog);

        Assert.Equal(ExitCodes.ModelProblem, code);
        Assert.Contains("model 'blazeface' refused: input 'input:0' is missing; the file has x float32[1,4]", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelNotFetched_ExitsWith3SayingHowToFetch()
    {
        var (code, _, error) = await AgentCli.RunAsync("infer", "--model", "blazeface", "--input", Astronaut.Value, "--catalog", Catalog, "--cache", _temp.Combine("empty"));

        Assert.Equal(ExitCodes.ModelProblem, code);
        Assert.Contains("run 'edgeagent models fetch --model blazeface'", error, StringComparison.Ordinal);
    }

    private string MakeBadInput(string name)
    {
        var path = _temp.Combine(name);
        var png = File.ReadAllBytes(Astronaut.Value);
        switch (name)
        {
            case "missing.png":
                break;
            case "random.png":
                File.WriteAllBytes(path, [.. Enumerable.Range(0, 4096).Select(i => (byte)((i * 7919) % 251))]);
                break;
            case "truncated.png":
                File.WriteAllBytes(path, png[..(png.Length / 2)]);
                break;
            case "empty.jpg":
                File.WriteAllBytes(path, []);
                break;
            case "speech.wav":
                WriteWav(name, new float[1600], 16_000);
                break;
            case "photo.wav":
                File.WriteAllBytes(path, png);
                break;
            case "truncated.wav":
                var wav = File.ReadAllBytes(WriteWav("whole.wav", [.. Enumerable.Range(0, 16_000).Select(i => MathF.Sin(i * 0.1f) * 0.5f)], 16_000));
                File.WriteAllBytes(path, wav[..(wav.Length / 2)]);
                break;
        }

        return path;
    }

    private string WriteWav(string name, float[] samples, int rate)
    {
        var path = _temp.Combine(name);
        using var writer = new WaveFileWriter(path, new WaveFormat(rate, 16, 1));
        foreach (var s in samples)
        {
            writer.WriteSample(s);
        }

        return path;
    }

    private string RenderText(string text)
    {
        using var typeface = SKTypeface.FromFile(DebianPackageFile.Get("fonts-wqy-zenhei", "usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"), 0);
        using var font = new SKFont(typeface, 40);
        using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        using var bitmap = new SKBitmap(480, 120);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            canvas.DrawText(text, 30, 75, SKTextAlign.Left, font, paint);
        }

        var path = _temp.Combine("text.png");
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }
}
