namespace EdgeAgent.Firmware.Link
{
    /// <summary>
    /// 0x04: the companion's wake-time counters, cumulative since it powered on. Operating seconds are counted while
    /// the board is awake, standby seconds while it sleeps; wake seconds is the companion's own counted time (their
    /// sum). The receiver takes differences between reports; a report lower than the last means the companion
    /// restarted, and then the report itself is the difference.
    /// </summary>
    internal sealed class CountersReport : Message
    {
        public const int Length = 14;

        public CountersReport(uint wakeSeconds, uint operatingSeconds, uint standbySeconds, ushort boardWakes)
        {
            WakeSeconds = wakeSeconds;
            OperatingSeconds = operatingSeconds;
            StandbySeconds = standbySeconds;
            BoardWakes = boardWakes;
        }

        public override MessageType Type => MessageType.Counters;

        public override int BodyLength => Length;

        public uint WakeSeconds { get; }

        public uint OperatingSeconds { get; }

        public uint StandbySeconds { get; }

        /// <summary>How many times the board went from asleep to awake.</summary>
        public ushort BoardWakes { get; }

        public static CountersReport Read(byte[] body, int offset) => new CountersReport(
            LittleEndian.ReadUInt32(body, offset),
            LittleEndian.ReadUInt32(body, offset + 4),
            LittleEndian.ReadUInt32(body, offset + 8),
            LittleEndian.ReadUInt16(body, offset + 12));

        public override void WriteBody(byte[] buffer, int offset)
        {
            LittleEndian.WriteUInt32(buffer, offset, WakeSeconds);
            LittleEndian.WriteUInt32(buffer, offset + 4, OperatingSeconds);
            LittleEndian.WriteUInt32(buffer, offset + 8, StandbySeconds);
            LittleEndian.WriteUInt16(buffer, offset + 12, BoardWakes);
        }
    }
}
