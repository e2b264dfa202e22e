using EdgeAgent.Core.Vision;

namespace EdgeAgent.Core.Vision.Text;

/// <summary>
/// One line of text read from an image.
/// </summary>
/// <param name="Text">The recognised characters.</param>
/// <param name="Score">Mean probability of the kept characters (CTC greedy decoding), 0..1.</param>
/// <param name="Box">The line's four corners in source pixels, clockwise from the top-left.</param>
public sealed record TextLine(string Text, float Score, IReadOnlyList<Point2> Box);
