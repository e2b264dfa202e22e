namespace EdgeAgent.Firmware.Link
{
    /// <summary>0x01: one IMU sample. Acceleration in milli-g, angular rate in tenths of a degree per second.</summary>
    internal sealed class ImuReading : Message
    {
        public const int Length = 16;

        public ImuReading(uint uptimeMilliseconds, short accelX, short accelY, short accelZ, short gyroX, short gyroY, short gyroZ)
        {
            UptimeMilliseconds = uptimeMilliseconds;
            AccelX = accelX;
            AccelY = accelY;
            AccelZ = accelZ;
            GyroX = gyroX;
            GyroY = gyroY;
            GyroZ = gyroZ;
        }

        public override MessageType Type => MessageType.ImuReading;

        public override int BodyLength => Length;

        /// <summary>The companion's uptime when the sample was taken (wraps after 49.7 days).</summary>
        public uint UptimeMilliseconds { get; }

        public short AccelX { get; }

        public short AccelY { get; }

        public short AccelZ { get; }

        public short GyroX { get; }

        public short GyroY { get; }

        public short GyroZ { get; }

        public static ImuReading Read(byte[] body, int offset) => new ImuReading(
            LittleEndian.ReadUInt32(body, offset),
            LittleEndian.ReadInt16(body, offset + 4),
            LittleEndian.ReadInt16(body, offset + 6),
            LittleEndian.ReadInt16(body, offset + 8),
            LittleEndian.ReadInt16(body, offset + 10),
            LittleEndian.ReadInt16(body, offset + 12),
            LittleEndian.ReadInt16(body, offset + 14));

        public override void WriteBody(byte[] buffer, int offset)
        {
            LittleEndian.WriteUInt32(buffer, offset, UptimeMilliseconds);
            LittleEndian.WriteInt16(buffer, offset + 4, AccelX);
            LittleEndian.WriteInt16(buffer, offset + 6, AccelY);
            LittleEndian.WriteInt16(buffer, offset + 8, AccelZ);
            LittleEndian.WriteInt16(buffer, offset + 10, GyroX);
            LittleEndian.WriteInt16(buffer, offset + 12, GyroY);
            LittleEndian.WriteInt16(buffer, offset + 14, GyroZ);
        }
    }
}
