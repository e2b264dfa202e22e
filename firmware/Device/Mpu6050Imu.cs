using System.Device.I2c;
using EdgeAgent.Firmware.Hardware;

namespace EdgeAgent.Firmware.Device
{
    /// <summary>
    /// InvenSense MPU-6050 over I2C at its default ranges. Register numbers and scales from the MPU-6000/MPU-6050
    /// Register Map and Descriptions, revision 4.2: PWR_MGMT_1 0x6B (section 4.28, p. 40; writing 0 leaves sleep),
    /// ACCEL_XOUT_H 0x3B onwards, 14 bytes big-endian: accel X/Y/Z, temperature, gyro X/Y/Z (sections 4.17-4.19,
    /// pp. 29-32); ±2 g is 16384 LSB/g (p. 29), ±250 °/s is 131 LSB/(°/s) (p. 31).
    /// </summary>
    internal sealed class Mpu6050Imu : IImu
    {
        public const int Address = 0x68;

        private const byte PowerManagement1 = 0x6B;
        private const byte AccelXHigh = 0x3B;

        private readonly I2cDevice _device;
        private readonly byte[] _register = new byte[1];
        private readonly byte[] _data = new byte[14];

        public Mpu6050Imu(I2cDevice device)
        {
            _device = device;
            _device.Write(new System.SpanByte(new byte[] { PowerManagement1, 0 }));
        }

        public bool TryRead(out ImuSample sample)
        {
            _register[0] = AccelXHigh;
            var result = _device.WriteRead(new System.SpanByte(_register), new System.SpanByte(_data));
            if (result.Status != I2cTransferStatus.FullTransfer)
            {
                sample = new ImuSample();
                return false;
            }

            sample = new ImuSample(
                MilliG(0), MilliG(2), MilliG(4),
                DeciDegreesPerSecond(8), DeciDegreesPerSecond(10), DeciDegreesPerSecond(12));
            return true;
        }

        private short Raw(int at) => (short)((_data[at] << 8) | _data[at + 1]);

        private short MilliG(int at) => (short)(Raw(at) * 1000 / 16384);

        private short DeciDegreesPerSecond(int at) => (short)(Raw(at) * 10 / 131);
    }
}
