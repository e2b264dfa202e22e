namespace EdgeAgent.Firmware.Link
{
    /// <summary>
    /// CRC-16/CCITT-FALSE (also catalogued as CRC-16/IBM-3740): polynomial 0x1021, initial value 0xFFFF, no
    /// reflection, no final XOR; the check value over ASCII "123456789" is 0x29B1. Bitwise, no table: a frame is
    /// at most 70 bytes and the microcontroller's flash is better spent elsewhere.
    /// </summary>
    internal static class Crc16Ccitt
    {
        public const ushort Initial = 0xFFFF;

        public static ushort Compute(byte[] data, int offset, int count)
        {
            var crc = Initial;
            for (var i = offset; i < offset + count; i++)
            {
                crc = (ushort)(crc ^ (data[i] << 8));
                for (var bit = 0; bit < 8; bit++)
                {
                    crc = (crc & 0x8000) != 0 ? (ushort)((crc << 1) ^ 0x1021) : (ushort)(crc << 1);
                }
            }

            return crc;
        }
    }
}
