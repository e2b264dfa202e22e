namespace EdgeAgent.Firmware.Hardware
{
    /// <summary>One IMU sample in the link's units: milli-g and tenths of a degree per second.</summary>
    internal struct ImuSample
    {
        public ImuSample(short accelX, short accelY, short accelZ, short gyroX, short gyroY, short gyroZ)
        {
            AccelX = accelX;
            AccelY = accelY;
            AccelZ = accelZ;
            GyroX = gyroX;
            GyroY = gyroY;
            GyroZ = gyroZ;
        }

        public short AccelX { get; }

        public short AccelY { get; }

        public short AccelZ { get; }

        public short GyroX { get; }

        public short GyroY { get; }

        public short GyroZ { get; }
    }

    /// <summary>The always-on IMU.</summary>
    internal interface IImu
    {
        /// <summary>False when there is no valid sample (not ready, bus fault); never a stale one.</summary>
        bool TryRead(out ImuSample sample);
    }
}
