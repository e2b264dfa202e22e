namespace EdgeAgent.Firmware.Link
{
    /// <summary>
    /// Consistent Overhead Byte Stuffing (Cheshire and Baker, IEEE/ACM Trans. Networking 7(2), 1999): rewrites a
    /// frame so it contains no 0x00, which then delimits frames on the wire. Frames here are at most 254 bytes, so
    /// the encoding is always exactly one byte longer than its input.
    /// </summary>
    internal static class Cobs
    {
        /// <summary>The longest input encoded here: one COBS block, so one overhead byte.</summary>
        public const int MaxInputLength = 254;

        /// <summary>Encodes <paramref name="count"/> bytes of <paramref name="source"/> into <paramref name="destination"/>
        /// (which needs <paramref name="count"/> + 1 bytes from <paramref name="destinationOffset"/>); returns the encoded length.</summary>
        public static int Encode(byte[] source, int offset, int count, byte[] destination, int destinationOffset)
        {
            if (count < 0 || count > MaxInputLength)
            {
                throw new System.ArgumentOutOfRangeException(nameof(count));
            }

            var codeIndex = destinationOffset;
            var write = destinationOffset + 1;
            byte code = 1;
            for (var i = offset; i < offset + count; i++)
            {
                var b = source[i];
                if (b == 0)
                {
                    destination[codeIndex] = code;
                    codeIndex = write;
                    write++;
                    code = 1;
                }
                else
                {
                    destination[write] = b;
                    write++;
                    code++;
                }
            }

            destination[codeIndex] = code;
            return write - destinationOffset;
        }

        /// <summary>Decodes <paramref name="count"/> encoded bytes (no delimiter) into <paramref name="destination"/>;
        /// returns the decoded length, or -1 when the input is not valid COBS (a 0x00 inside it, or a code byte pointing
        /// past its end) or would not fit.</summary>
        public static int Decode(byte[] source, int offset, int count, byte[] destination, int destinationOffset)
        {
            var read = offset;
            var end = offset + count;
            var write = destinationOffset;
            while (read < end)
            {
                int code = source[read];
                if (code == 0 || read + code > end)
                {
                    return -1;
                }

                read++;
                for (var i = 1; i < code; i++)
                {
                    var b = source[read];
                    if (b == 0 || write >= destination.Length)
                    {
                        return -1;
                    }

                    destination[write] = b;
                    write++;
                    read++;
                }

                // A code below 0xFF stands for a zero, except after the last block (the frame does not end in one).
                if (code < 0xFF && read < end)
                {
                    if (write >= destination.Length)
                    {
                        return -1;
                    }

                    destination[write] = 0;
                    write++;
                }
            }

            return write - destinationOffset;
        }
    }
}
