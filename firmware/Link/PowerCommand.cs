namespace EdgeAgent.Firmware.Link
{
    /// <summary>What the board says about its own power state.</summary>
    internal enum PowerAction : byte
    {
        /// <summary>The board is about to sleep: count standby from now, hold events until it wakes.</summary>
        BoardSleeping = 1,

        /// <summary>The board is awake: count operating from now, send what was held and the counters.</summary>
        BoardAwake = 2,
    }

    /// <summary>0x12: sleep/wake of the board, with an optional wake timer.</summary>
    internal sealed class PowerCommand : Message
    {
        public const int Length = 5;

        public PowerCommand(PowerAction action, uint wakeAfterSeconds)
        {
            Action = action;
            WakeAfterSeconds = wakeAfterSeconds;
        }

        public override MessageType Type => MessageType.PowerCommand;

        public override int BodyLength => Length;

        public PowerAction Action { get; }

        /// <summary>With <see cref="PowerAction.BoardSleeping"/>: wake the board after this many seconds (0: only on a
        /// button or motion). Ignored with <see cref="PowerAction.BoardAwake"/>.</summary>
        public uint WakeAfterSeconds { get; }

        public static PowerCommand Read(byte[] body, int offset) =>
            new PowerCommand((PowerAction)body[offset], LittleEndian.ReadUInt32(body, offset + 1));

        public override void WriteBody(byte[] buffer, int offset)
        {
            buffer[offset] = (byte)Action;
            LittleEndian.WriteUInt32(buffer, offset + 1, WakeAfterSeconds);
        }
    }
}
