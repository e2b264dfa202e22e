namespace EdgeAgent.Firmware.Link
{
    /// <summary>
    /// One frame as it is before COBS: version, type, flags, sequence, body, CRC-16 (PROTOCOL.md, "Frame").
    /// On the wire it is <c>00 COBS(frame) 00</c>.
    /// </summary>
    internal sealed class Frame
    {
        /// <summary>The protocol version this code speaks; frames of any other version are dropped.</summary>
        public const byte CurrentVersion = 1;

        /// <summary>Flags bit 0: the sender wants an acknowledgement and resends until it gets one.</summary>
        public const byte FlagAckRequested = 0x01;

        public const int HeaderLength = 4;
        public const int CrcLength = 2;
        public const int MaxBodyLength = 64;

        /// <summary>The longest frame before COBS: header, the longest body, CRC.</summary>
        public const int MaxLength = HeaderLength + MaxBodyLength + CrcLength;

        /// <summary>The longest frame after COBS (one overhead byte: a frame is shorter than one COBS block).</summary>
        public const int MaxEncodedLength = MaxLength + 1;

        /// <summary>The most bytes one frame takes on the wire: a leading and a trailing delimiter around it.</summary>
        public const int MaxWireLength = MaxEncodedLength + 2;

        public Frame(byte version, byte type, byte flags, byte sequence, byte[] body)
        {
            Version = version;
            Type = type;
            Flags = flags;
            Sequence = sequence;
            Body = body;
        }

        public byte Version { get; }

        /// <summary>The type byte, kept as a byte: it may be one this side does not know.</summary>
        public byte Type { get; }

        public byte Flags { get; }

        public byte Sequence { get; }

        public byte[] Body { get; }

        public bool AckRequested => (Flags & FlagAckRequested) != 0;
    }
}
