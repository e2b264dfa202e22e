namespace EdgeAgent.Firmware.Link
{
    /// <summary>0x02: one battery gauge reading.</summary>
    internal sealed class BatteryReading : Message
    {
        public const int Length = 10;

        /// <summary>The state of charge when the gauge has no estimate yet.</summary>
        public const byte UnknownCharge = 0xFF;

        public const byte FlagCharging = 0x01;
        public const byte FlagExternalPower = 0x02;

        public BatteryReading(uint uptimeMilliseconds, ushort millivolts, short milliamps, byte stateOfChargePercent, byte flags)
        {
            UptimeMilliseconds = uptimeMilliseconds;
            Millivolts = millivolts;
            Milliamps = milliamps;
            StateOfChargePercent = stateOfChargePercent;
            Flags = flags;
        }

        public override MessageType Type => MessageType.BatteryReading;

        public override int BodyLength => Length;

        public uint UptimeMilliseconds { get; }

        public ushort Millivolts { get; }

        /// <summary>Battery current, positive into the battery (charging), negative out of it.</summary>
        public short Milliamps { get; }

        /// <summary>0-100, or <see cref="UnknownCharge"/>.</summary>
        public byte StateOfChargePercent { get; }

        /// <summary><see cref="FlagCharging"/> | <see cref="FlagExternalPower"/>; other bits are 0.</summary>
        public byte Flags { get; }

        public static BatteryReading Read(byte[] body, int offset) => new BatteryReading(
            LittleEndian.ReadUInt32(body, offset),
            LittleEndian.ReadUInt16(body, offset + 4),
            LittleEndian.ReadInt16(body, offset + 6),
            body[offset + 8],
            body[offset + 9]);

        public override void WriteBody(byte[] buffer, int offset)
        {
            LittleEndian.WriteUInt32(buffer, offset, UptimeMilliseconds);
            LittleEndian.WriteUInt16(buffer, offset + 4, Millivolts);
            LittleEndian.WriteInt16(buffer, offset + 6, Milliamps);
            buffer[offset + 8] = StateOfChargePercent;
            buffer[offset + 9] = Flags;
        }
    }
}
