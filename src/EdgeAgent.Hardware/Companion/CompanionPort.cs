using System.IO.Ports;

namespace EdgeAgent.Hardware.Companion;

/// <summary>Opens the companion's UART as PROTOCOL.md says: 115200 baud, 8N1, no flow control.</summary>
public static class CompanionPort
{
    public const int BaudRate = 115200;

    /// <summary>Opens <paramref name="path"/> (e.g. <c>/dev/ttyAMA1</c>); the caller owns the port and passes its
    /// <c>BaseStream</c> to <see cref="CompanionLink"/>. Dispose the link first, then the port.</summary>
    public static SerialPort Open(string path) => Open(path, BaudRate);

    /// <inheritdoc cref="Open(string)"/>
    /// <param name="baud">The board profile's <c>companion.baud</c> (a firmware built for another rate).</param>
    public static SerialPort Open(string path, int baud)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(baud);
        var port = new SerialPort(path, baud, Parity.None, 8, StopBits.One) { Handshake = Handshake.None };
        try
        {
            port.Open();
            return port;
        }
        catch
        {
            port.Dispose();
            throw;
        }
    }
}
