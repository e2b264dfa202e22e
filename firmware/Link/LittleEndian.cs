namespace EdgeAgent.Firmware.Link
{
    /// <summary>Every multi-byte field on the link is little-endian (the ESP32's and the board's own order).</summary>
    internal static class LittleEndian
    {
        public static void WriteUInt16(byte[] buffer, int offset, ushort value)
        {
            buffer[offset] = (byte)value;
            buffer[offset + 1] = (byte)(value >> 8);
        }

        public static void WriteInt16(byte[] buffer, int offset, short value) => WriteUInt16(buffer, offset, (ushort)value);

        public static void WriteUInt32(byte[] buffer, int offset, uint value)
        {
            buffer[offset] = (byte)value;
            buffer[offset + 1] = (byte)(value >> 8);
            buffer[offset + 2] = (byte)(value >> 16);
            buffer[offset + 3] = (byte)(value >> 24);
        }

        public static void WriteInt64(byte[] buffer, int offset, long value)
        {
            WriteUInt32(buffer, offset, (uint)value);
            WriteUInt32(buffer, offset + 4, (uint)(value >> 32));
        }

        public static ushort ReadUInt16(byte[] buffer, int offset) => (ushort)(buffer[offset] | (buffer[offset + 1] << 8));

        public static short ReadInt16(byte[] buffer, int offset) => (short)ReadUInt16(buffer, offset);

        public static uint ReadUInt32(byte[] buffer, int offset) =>
            (uint)buffer[offset] | ((uint)buffer[offset + 1] << 8) | ((uint)buffer[offset + 2] << 16) | ((uint)buffer[offset + 3] << 24);

        public static long ReadInt64(byte[] buffer, int offset) =>
            (long)ReadUInt32(buffer, offset) | ((long)ReadUInt32(buffer, offset + 4) << 32);
    }
}
