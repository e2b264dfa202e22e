namespace EdgeAgent.Firmware.Link
{
    /// <summary>One reliable frame awaiting its acknowledgement: the encoded bytes to resend, when and how often it went out.</summary>
    internal sealed class PendingFrame
    {
        public PendingFrame() => Wire = new byte[Frame.MaxWireLength];

        public bool InUse { get; set; }

        public Message? Message { get; set; }

        public byte Sequence { get; set; }

        public byte[] Wire { get; }

        public int WireLength { get; set; }

        public long LastSentMilliseconds { get; set; }

        public int Attempts { get; set; }
    }
}
