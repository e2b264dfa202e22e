namespace EdgeAgent.Firmware.Link
{
    /// <summary>
    /// Turns the received byte stream back into frames. Bytes collect until a 0x00; the chunk is then COBS-decoded,
    /// its CRC and version checked, and only a frame passing all three comes out. Anything else is counted and dropped,
    /// and decoding starts afresh at the next 0x00, so one damaged frame never costs the frames after it.
    /// </summary>
    internal sealed class FrameDecoder
    {
        private readonly byte[] _chunk = new byte[Frame.MaxEncodedLength];
        private readonly byte[] _decoded = new byte[Frame.MaxLength];
        private int _count;
        private bool _overrun;

        /// <summary>Good frames decoded.</summary>
        public int Frames { get; private set; }

        /// <summary>Chunks that were not valid COBS, were shorter than a header and CRC, or longer than a frame.</summary>
        public int Malformed { get; private set; }

        public int CrcErrors { get; private set; }

        /// <summary>Intact frames of another protocol version.</summary>
        public int VersionMismatches { get; private set; }

        /// <summary>Every chunk dropped, whatever the reason.</summary>
        public int Dropped => Malformed + CrcErrors + VersionMismatches;

        /// <summary>Takes one received byte; returns the frame it completes, or null.</summary>
        public Frame? Push(byte value)
        {
            if (value != 0)
            {
                if (_count < _chunk.Length)
                {
                    _chunk[_count] = value;
                    _count++;
                }
                else
                {
                    _overrun = true;
                }

                return null;
            }

            var count = _count;
            var overrun = _overrun;
            _count = 0;
            _overrun = false;
            if (count == 0 && !overrun)
            {
                return null; // two delimiters in a row: the gap between frames
            }

            if (overrun)
            {
                Malformed++;
                return null;
            }

            return Complete(count);
        }

        private Frame? Complete(int count)
        {
            var length = Cobs.Decode(_chunk, 0, count, _decoded, 0);
            if (length < Frame.HeaderLength + Frame.CrcLength)
            {
                Malformed++;
                return null;
            }

            var crcAt = length - Frame.CrcLength;
            if (Crc16Ccitt.Compute(_decoded, 0, crcAt) != LittleEndian.ReadUInt16(_decoded, crcAt))
            {
                CrcErrors++;
                return null;
            }

            if (_decoded[0] != Frame.CurrentVersion)
            {
                VersionMismatches++;
                return null;
            }

            var body = new byte[crcAt - Frame.HeaderLength];
            System.Array.Copy(_decoded, Frame.HeaderLength, body, 0, body.Length);
            Frames++;
            return new Frame(_decoded[0], _decoded[1], _decoded[2], _decoded[3], body);
        }
    }
}
