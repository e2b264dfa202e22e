using System.IO.Ports;
using EdgeAgent.Firmware.Hardware;

namespace EdgeAgent.Firmware.Device
{
    /// <summary>The UART to the board: 115200 8N1, no flow control (PROTOCOL.md, "Wire"); reads never block.</summary>
    internal sealed class SerialUart : IUart
    {
        private readonly SerialPort _port;

        public SerialUart(string portName)
        {
            _port = new SerialPort(portName, 115200, Parity.None, 8, StopBits.One);
            _port.Handshake = Handshake.None;
            _port.Open();
        }

        public int Read(byte[] buffer, int offset, int count)
        {
            var available = _port.BytesToRead;
            if (available <= 0)
            {
                return 0;
            }

            return _port.Read(buffer, offset, available < count ? available : count);
        }

        public void Write(byte[] buffer, int offset, int count) => _port.Write(buffer, offset, count);
    }
}
