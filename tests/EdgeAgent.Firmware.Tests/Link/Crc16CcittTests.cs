using System.Text;
using EdgeAgent.Firmware.Link;

namespace EdgeAgent.Firmware.Tests.Link;

public sealed class Crc16CcittTests
{
    [Fact]
    public void Compute_CheckString_IsTheCatalogueCheckValue()
    {
        var data = Encoding.ASCII.GetBytes("123456789");

        Assert.Equal(0x29B1, Crc16Ccitt.Compute(data, 0, data.Length));
    }

    [Fact]
    public void Compute_NoBytes_IsTheInitialValue() => Assert.Equal(0xFFFF, Crc16Ccitt.Compute([], 0, 0));

    [Fact]
    public void Compute_AnySingleBitFlipInAFrame_ChangesTheCrc()
    {
        var data = new byte[Frame.MaxLength - Frame.CrcLength];
        new Random(4).NextBytes(data);
        var crc = Crc16Ccitt.Compute(data, 0, data.Length);

        for (var bit = 0; bit < data.Length * 8; bit++)
        {
            data[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.NotEqual(crc, Crc16Ccitt.Compute(data, 0, data.Length));
            data[bit / 8] ^= (byte)(1 << (bit % 8));
        }
    }
}
