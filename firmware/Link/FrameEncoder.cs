namespace EdgeAgent.Firmware.Link
{
    /// <summary>Writes a message as a frame on the wire: <c>00 COBS(version type flags sequence body crc) 00</c>.
    /// One instance per sender; not thread-safe (it reuses one scratch buffer).</summary>
    internal sealed class FrameEncoder
    {
        private readonly byte[] _frame = new byte[Frame.MaxLength];

        /// <summary>Encodes into <paramref name="wire"/> at <paramref name="offset"/> (room for
        /// <see cref="Frame.MaxWireLength"/> bytes); returns how many bytes were written, delimiters included.</summary>
        public int Encode(Message message, byte flags, byte sequence, byte[] wire, int offset)
        {
            var length = WriteFrame(message, flags, sequence, _frame);
            wire[offset] = 0;
            var encoded = Cobs.Encode(_frame, 0, length, wire, offset + 1);
            wire[offset + 1 + encoded] = 0;
            return encoded + 2;
        }

        /// <summary>The frame before COBS into <paramref name="frame"/> (<see cref="Frame.MaxLength"/> bytes); returns its length.</summary>
        public static int WriteFrame(Message message, byte flags, byte sequence, byte[] frame)
        {
            var bodyLength = message.BodyLength;
            if (bodyLength > Frame.MaxBodyLength)
            {
                throw new System.ArgumentException("The body is longer than a frame allows.", nameof(message));
            }

            frame[0] = Frame.CurrentVersion;
            frame[1] = (byte)message.Type;
            frame[2] = flags;
            frame[3] = sequence;
            message.WriteBody(frame, Frame.HeaderLength);
            var crcAt = Frame.HeaderLength + bodyLength;
            LittleEndian.WriteUInt16(frame, crcAt, Crc16Ccitt.Compute(frame, 0, crcAt));
            return crcAt + Frame.CrcLength;
        }
    }
}
