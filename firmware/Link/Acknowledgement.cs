namespace EdgeAgent.Firmware.Link
{
    /// <summary>What the receiver did with a frame that asked for an acknowledgement.</summary>
    internal enum AckStatus : byte
    {
        /// <summary>Taken (or already taken: a resend of a frame seen before is acknowledged again, not delivered twice).</summary>
        Accepted = 0,

        /// <summary>The type byte is not one this receiver knows.</summary>
        UnsupportedType = 1,

        /// <summary>The body length is not the type's.</summary>
        Malformed = 2,
    }

    /// <summary>0x7F: the acknowledgement of one frame, by its sequence number and type. Never acknowledged itself.</summary>
    internal sealed class Acknowledgement : Message
    {
        public const int Length = 3;

        public Acknowledgement(byte sequence, byte acknowledgedType, AckStatus status)
        {
            Sequence = sequence;
            AcknowledgedType = acknowledgedType;
            Status = status;
        }

        public override MessageType Type => MessageType.Acknowledgement;

        public override int BodyLength => Length;

        /// <summary>The sequence number of the acknowledged frame.</summary>
        public byte Sequence { get; }

        /// <summary>The type byte of the acknowledged frame (a byte: it may be a type this side does not know).</summary>
        public byte AcknowledgedType { get; }

        public AckStatus Status { get; }

        public static Acknowledgement Read(byte[] body, int offset) =>
            new Acknowledgement(body[offset], body[offset + 1], (AckStatus)body[offset + 2]);

        public override void WriteBody(byte[] buffer, int offset)
        {
            buffer[offset] = Sequence;
            buffer[offset + 1] = AcknowledgedType;
            buffer[offset + 2] = (byte)Status;
        }
    }
}
