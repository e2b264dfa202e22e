using System.Runtime.CompilerServices;
using EdgeAgent.Core.Pipelines;
using EdgeAgent.Core.Vision;
using EdgeAgent.Media.Images;

namespace EdgeAgent.Media.Replay;

/// <summary>
/// A camera replayed from a recorded trace: each <c>"kind":"image"</c> line of the sensor yields its image file at
/// <c>t_ms</c> after enumeration started, on the injected <see cref="TimeProvider"/> (a FakeTimeProvider replays a field
/// trial instantly). Live like the camera it stands for. The trace is read and checked here, so a bad trace stops the
/// program at start (<see cref="Core.Replay.TraceFormatException"/>); an image that does not decode is a
/// <see cref="Core.Media.MediaFormatException"/> when its turn comes.
/// </summary>
public sealed class ReplayImageSource : IFrameSource<RgbImage>
{
    private readonly IReadOnlyList<MediaTraceEntry> _entries;
    private readonly TimeProvider _time;

    /// <param name="tracePath">The trace (JSON Lines, format <c>ea/v1/trace</c>).</param>
    /// <param name="sensor">The sensor id of the product profile whose lines are replayed (e.g. <c>camera</c>).</param>
    public ReplayImageSource(string tracePath, string sensor, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _entries = MediaTrace.Read(tracePath, sensor, "image");
        _time = time;
        Name = $"replay:{tracePath}#{sensor}";
    }

    public string Name { get; }

    public bool IsLive => true;

    /// <summary>How many images the trace holds for the sensor.</summary>
    public int Count => _entries.Count;

    public async IAsyncEnumerable<RgbImage> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var start = _time.GetTimestamp();
        foreach (var entry in _entries)
        {
            var image = ImageDecoder.Decode(entry.File);
            await ReplayClock.WaitUntilAsync(_time, start, entry.At, cancellationToken).ConfigureAwait(false);
            yield return image;
        }
    }
}
