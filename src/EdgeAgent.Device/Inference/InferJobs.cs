using System.Globalization;
using System.Text;
using System.Text.Json;
using EdgeAgent.Contracts.Catalog;
using EdgeAgent.Core.Audio;
using EdgeAgent.Core.Audio.VoiceActivity;
using EdgeAgent.Core.Vision;
using EdgeAgent.Core.Catalog;
using EdgeAgent.Device.Cli;
using EdgeAgent.Core.Inference;
using EdgeAgent.Core.Pipelines;
using EdgeAgent.Core.Vision.Faces;
using EdgeAgent.Core.Vision.Text;
using EdgeAgent.Inference.Onnx.Sessions;
using EdgeAgent.Media.Audio;
using EdgeAgent.Media.Images;

namespace EdgeAgent.Device.Inference;

/// <summary>
/// Opens a catalog model family as a job that decodes an input file and runs its pipeline: used by <c>edgeagent infer</c>
/// on files and by <c>edgeagent run</c>'s pipelines on sample inputs.
/// </summary>
internal static class InferJobs
{
    public static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif"];
    public static readonly string[] AudioExtensions = [".wav"];

    /// <summary>
    /// The catalog models a job for the catalog name <paramref name="name"/> runs: ppocr, ppocr-det and ppocr-rec all run
    /// detection and recognition. Empty when the name is not in the catalog (a model file path is matched at open).
    /// </summary>
    public static IReadOnlyList<ModelEntry> EntriesOf(string name, ModelCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return Find(name, catalog) is not { } entry ? []
            : IsOcr(entry) ? [catalog.Find("ppocr-det")!, catalog.Find("ppocr-rec")!]
            : [entry];
    }

    private static ModelEntry? Find(string name, ModelCatalog catalog) => name == "ppocr" ? catalog.Find("ppocr-det") : catalog.Find(name);

    private static bool IsOcr(ModelEntry entry) => entry.Task is "text-detection" or "text-recognition";

    /// <summary>An installed release that serves instead of a catalog model's pin: its entry, its file and its version.</summary>
    public sealed record InstalledModel(ModelEntry Entry, string Path, string Version);

    /// <summary>The installed release that serves <paramref name="catalogEntry"/>'s model, checked, or null for the catalog pin.</summary>
    public delegate Task<InstalledModel?> InstalledLookup(ModelEntry catalogEntry, CancellationToken cancellationToken);

    /// <summary>
    /// Opens the job. Each model runs behind a <see cref="SwappableSession"/> (counted into <paramref name="usage"/>),
    /// registered in <paramref name="sessions"/> when given so that an update can swap it; <paramref name="installed"/>
    /// says when an installed release serves instead of the catalog's pin.
    /// </summary>
    public static async Task<InferJob> OpenAsync(
        string name, ModelCatalog catalog, ModelCache cache, OnnxModelLoader loader, InferenceUsage usage, CancellationToken ct,
        SessionRegistry? sessions = null, InstalledLookup? installed = null)
    {
        var opened = new List<SwappableSession>();
        async Task<IInferenceSession> Load(ModelEntry entry, string? file = null)
        {
            var release = file is null && installed is not null ? await installed(entry, ct).ConfigureAwait(false) : null;
            var session = release is not null ? loader.Load(release.Entry, release.Path)
                : file is null ? await loader.LoadAsync(cache, entry, ct).ConfigureAwait(false)
                : loader.Load(entry, file);
            var swappable = new SwappableSession(session, usage.For(entry.Name), release?.Version ?? "");
            sessions?.Register(entry.Name, swappable);
            opened.Add(swappable);
            return swappable;
        }

        try
        {
            var job = await OpenCoreAsync(name, catalog, cache, Load, ct).ConfigureAwait(false);
            job.Registry = sessions;
            return job;
        }
        catch
        {
            foreach (var s in opened)
            {
                sessions?.Unregister(s);
                s.Dispose();
            }

            throw;
        }
    }

    private static async Task<InferJob> OpenCoreAsync(string name, ModelCatalog catalog, ModelCache cache, Func<ModelEntry, string?, Task<IInferenceSession>> load, CancellationToken ct)
    {
        Task<IInferenceSession> Load(ModelEntry entry, string? file = null) => load(entry, file);

        string? file = null;
        ModelEntry? entry;
        if (name.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) || File.Exists(name))
        {
            if (!File.Exists(name))
            {
                throw new ModelRefusedException(name, [$"model file {name} does not exist"]);
            }

            file = name;
            var sha = await ModelCache.Sha256OfFileAsync(name, ct).ConfigureAwait(false);
            entry = catalog.Models.FirstOrDefault(m => m.Sha256 == sha)
                ?? throw new ModelRefusedException(name, [$"sha256 {sha} matches no catalog model; infer runs catalog models only (known: {string.Join(", ", catalog.Models.Select(m => m.Name))})"]);
        }
        else
        {
            entry = Find(name, catalog);
            if (entry is null)
            {
                throw new ModelNotInCatalogException(name, catalog);
            }
        }

        switch (entry.Task)
        {
            case "voice-activity":
                return new VadJob(entry.Name, await Load(entry, file).ConfigureAwait(false), AudioExtensions);
            case "face-detection":
                return new FaceJob(entry.Name, await Load(entry, file).ConfigureAwait(false), ImageExtensions);
            case var _ when IsOcr(entry):
                var det = catalog.Find("ppocr-det")!;
                var rec = catalog.Find("ppocr-rec")!;
                var detSession = await Load(det, entry == det ? file : null).ConfigureAwait(false);
                var recSession = await Load(rec, entry == rec ? file : null).ConfigureAwait(false);
                var dictionary = OcrDictionary.Load(cache.FilesOf(rec).Single(f => f.Role == "dictionary").LocalPath);
                return new OcrJob(new OcrReader(detSession, recSession, dictionary), [detSession, recSession], ImageExtensions);
            default:
                throw new ModelRefusedException(entry.Name, [$"task '{entry.Task}' has no inference pipeline; infer runs silero-vad, blazeface and ppocr"]);
        }
    }

    /// <summary>A model family ready to run: decodes a file, runs its pipeline, and owns the sessions it loaded.</summary>
    public abstract class InferJob(IReadOnlyList<string> extensions, IReadOnlyList<IInferenceSession> sessions) : IDisposable
    {
        public IReadOnlyList<string> Extensions { get; } = extensions;

        /// <summary>Where its sessions are registered for updates (they are taken out at dispose).</summary>
        internal SessionRegistry? Registry { get; set; }

        /// <summary>Decodes <paramref name="file"/> and runs the pipeline on it.</summary>
        public abstract InferResult Run(string file);

        /// <summary>Runs the pipeline on a camera frame (image models only).</summary>
        public virtual InferResult Run(RgbImage image, string source) =>
            throw new NotSupportedException($"{GetType().Name} reads audio, not images: give it a microphone");

        /// <summary>Runs the pipeline on a microphone window (audio models only).</summary>
        public virtual InferResult Run(AudioClip clip, string source) =>
            throw new NotSupportedException($"{GetType().Name} reads images, not audio: give it a camera");

        public void Dispose()
        {
            foreach (var s in sessions)
            {
                if (s is SwappableSession swappable)
                {
                    Registry?.Unregister(swappable);
                }

                s.Dispose();
            }

            GC.SuppressFinalize(this);
        }
    }

    private sealed class VadJob(string model, IInferenceSession session, IReadOnlyList<string> extensions) : InferJob(extensions, [session])
    {
        private readonly VoiceActivityDetector _detector = new(session);

        public override InferResult Run(string file) => Run(WavDecoder.Decode(file), file);

        public override InferResult Run(AudioClip clip, string file)
        {
            var segments = _detector.DetectAll(clip.Samples);
            return new InferResult(file, json =>
            {
                json.WriteString("model", model);
                json.WriteNumber("duration_s", Round(clip.Duration.TotalSeconds));
                json.WriteStartArray("segments");
                foreach (var s in segments)
                {
                    json.WriteStartObject();
                    json.WriteNumber("start_s", Round(s.StartSeconds));
                    json.WriteNumber("end_s", Round(s.EndSeconds));
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }, string.Join(Environment.NewLine, segments.Select(s => string.Create(CultureInfo.InvariantCulture, $"speech {s.StartSeconds:F3}s - {s.EndSeconds:F3}s")).DefaultIfEmpty("no speech")));
        }

    }

    private sealed class FaceJob(string model, IInferenceSession session, IReadOnlyList<string> extensions) : InferJob(extensions, [session])
    {
        private readonly FaceDetector _detector = new(session);

        public override InferResult Run(string file) => Run(ImageDecoder.Decode(file), file);

        public override InferResult Run(RgbImage image, string file)
        {
            var faces = _detector.Detect(image);
            return new InferResult(file, json =>
            {
                json.WriteString("model", model);
                json.WriteNumber("width", image.Width);
                json.WriteNumber("height", image.Height);
                json.WriteStartArray("faces");
                foreach (var f in faces)
                {
                    json.WriteStartObject();
                    json.WriteNumber("x", Round(f.X));
                    json.WriteNumber("y", Round(f.Y));
                    json.WriteNumber("w", Round(f.Width));
                    json.WriteNumber("h", Round(f.Height));
                    json.WriteNumber("score", Round(f.Score));
                    WritePoints(json, "keypoints", f.Keypoints);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }, string.Join(Environment.NewLine, faces.Select(f => string.Create(CultureInfo.InvariantCulture, $"face at ({f.X:F0},{f.Y:F0}) {f.Width:F0}x{f.Height:F0} score {f.Score:F3}")).DefaultIfEmpty("no faces")));
        }

    }

    private sealed class OcrJob(OcrReader reader, IReadOnlyList<IInferenceSession> sessions, IReadOnlyList<string> extensions) : InferJob(extensions, sessions)
    {
        public override InferResult Run(string file) => Run(ImageDecoder.Decode(file), file);

        public override InferResult Run(RgbImage image, string file)
        {
            var lines = reader.Read(image);
            return new InferResult(file, json =>
            {
                json.WriteString("model", "ppocr");
                json.WriteStartArray("lines");
                foreach (var l in lines)
                {
                    json.WriteStartObject();
                    json.WriteString("text", l.Text);
                    json.WriteNumber("score", Round(l.Score));
                    WritePoints(json, "box", l.Box);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }, string.Join(Environment.NewLine, lines.Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.Text}    (score {l.Score:F3})")).DefaultIfEmpty("no text")));
        }
    }

    public sealed class InferResult(string file, Action<Utf8JsonWriter> body, string text)
    {
        public string ToJson(bool includeFile)
        {
            using var stream = new MemoryStream();
            using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                json.WriteStartObject();
                body(json);
                if (includeFile)
                {
                    json.WriteString("file", file);
                }

                json.WriteEndObject();
            }

            return Encoding.UTF8.GetString(stream.ToArray());
        }

        public string ToText() => $"{file}:{Environment.NewLine}{text}";
    }

    private static void WritePoints(Utf8JsonWriter json, string name, IEnumerable<Core.Vision.Point2> points)
    {
        json.WriteStartArray(name);
        foreach (var p in points)
        {
            json.WriteStartArray();
            json.WriteNumberValue(Round(p.X));
            json.WriteNumberValue(Round(p.Y));
            json.WriteEndArray();
        }

        json.WriteEndArray();
    }

    private static double Round(double v) => Math.Round(v, 4);
}
