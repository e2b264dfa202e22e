namespace EdgeAgent.Core.Vision;

/// <summary>An 8-bit RGB image: <see cref="Pixels"/> holds rows top to bottom, each pixel R, G, B.</summary>
public sealed class RgbImage
{
    public RgbImage(int width, int height, byte[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.Length != checked(width * height * 3))
        {
            throw new ArgumentException($"a {width}x{height} RGB image has {width * height * 3} bytes, not {pixels.Length}", nameof(pixels));
        }

        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public int Width { get; }

    public int Height { get; }

    public byte[] Pixels { get; }

    /// <summary>A black image of the given size.</summary>
    public static RgbImage Blank(int width, int height) => new(width, height, new byte[checked(width * height * 3)]);
}
