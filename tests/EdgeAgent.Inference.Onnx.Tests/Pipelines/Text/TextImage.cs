using EdgeAgent.Core.Vision;
using SkiaSharp;

namespace EdgeAgent.Inference.Onnx.Tests.Pipelines.Text;

/// <summary>A rendered test image and, per line, the text drawn and its measured ink bounds in image pixels.</summary>
internal sealed record TextImage(RgbImage Image, IReadOnlyList<(string Text, SKRect Bounds)> Lines);
