namespace EdgeAgent.Firmware.Link
{
    /// <summary>0x13: the board's wall-clock time, so the companion can tell the time while the board sleeps.</summary>
    internal sealed class TimeSync : Message
    {
        public const int Length = 8;

        public TimeSync(long unixMilliseconds) => UnixMilliseconds = unixMilliseconds;

        public override MessageType Type => MessageType.TimeSync;

        public override int BodyLength => Length;

        /// <summary>Milliseconds since 1970-01-01T00:00:00Z, UTC.</summary>
        public long UnixMilliseconds { get; }

        public static TimeSync Read(byte[] body, int offset) => new TimeSync(LittleEndian.ReadInt64(body, offset));

        public override void WriteBody(byte[] buffer, int offset) => LittleEndian.WriteInt64(buffer, offset, UnixMilliseconds);
    }
}
