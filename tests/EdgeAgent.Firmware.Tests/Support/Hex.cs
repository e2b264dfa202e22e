using System.Globalization;

namespace EdgeAgent.Firmware.Tests.Support;

internal static class Hex
{
    public static byte[] Parse(string text) => text
        .Split(' ', StringSplitOptions.RemoveEmptyEntries)
        .Select(b => byte.Parse(b, NumberStyles.HexNumber, CultureInfo.InvariantCulture))
        .ToArray();

    public static string Format(IEnumerable<byte> bytes) =>
        string.Join(" ", bytes.Select(b => b.ToString("X2", CultureInfo.InvariantCulture)));
}
