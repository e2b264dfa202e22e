using System.Device.I2c;
using EdgeAgent.Firmware.Hardware;
using EdgeAgent.Firmware.Link;

namespace EdgeAgent.Firmware.Device
{
    /// <summary>
    /// Maxim MAX17048 fuel gauge over I2C. From its datasheet (19-6171, Table 2, p. 10): VCELL 0x02, 78.125 µV per
    /// LSB; SOC 0x04, 1/256 % per LSB (the high byte is whole percent). The MAX17048 measures no current, so Milliamps
    /// is 0 and the charging flags are unknown (0); a gauge that has them belongs in another implementation.
    /// </summary>
    internal sealed class Max17048Gauge : IBatteryGauge
    {
        public const int Address = 0x36;

        private const byte VCell = 0x02;
        private const byte Soc = 0x04;

        private readonly I2cDevice _device;
        private readonly byte[] _register = new byte[1];
        private readonly byte[] _data = new byte[2];

        public Max17048Gauge(I2cDevice device) => _device = device;

        public bool TryRead(out BatterySample sample)
        {
            sample = new BatterySample();
            if (!ReadRegister(VCell))
            {
                return false;
            }

            var vcell = (_data[0] << 8) | _data[1];
            var millivolts = (ushort)((vcell * 78125L) / 1000000L);
            if (!ReadRegister(Soc))
            {
                return false;
            }

            var percent = _data[0] > 100 ? BatteryReading.UnknownCharge : _data[0];
            sample = new BatterySample(millivolts, 0, percent, 0);
            return true;
        }

        private bool ReadRegister(byte register)
        {
            _register[0] = register;
            var result = _device.WriteRead(new System.SpanByte(_register), new System.SpanByte(_data));
            return result.Status == I2cTransferStatus.FullTransfer;
        }
    }
}
