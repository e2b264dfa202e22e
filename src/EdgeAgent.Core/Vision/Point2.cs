namespace EdgeAgent.Core.Vision;

/// <summary>A point in pixel coordinates (x right, y down).</summary>
public readonly record struct Point2(float X, float Y);
