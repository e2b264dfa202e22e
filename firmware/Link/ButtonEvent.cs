namespace EdgeAgent.Firmware.Link
{
    /// <summary>What a debounced button did.</summary>
    internal enum ButtonAction : byte
    {
        /// <summary>Pressed and released before the long-press threshold; sent on release.</summary>
        Press = 1,

        /// <summary>Held past the long-press threshold; sent once, when the threshold is crossed.</summary>
        LongPress = 2,
    }

    /// <summary>0x03: a debounced button event.</summary>
    internal sealed class ButtonEvent : Message
    {
        public const int Length = 8;

        public ButtonEvent(uint uptimeMilliseconds, byte button, ButtonAction action, ushort heldMilliseconds)
        {
            UptimeMilliseconds = uptimeMilliseconds;
            Button = button;
            Action = action;
            HeldMilliseconds = heldMilliseconds;
        }

        public override MessageType Type => MessageType.ButtonEvent;

        public override int BodyLength => Length;

        /// <summary>The companion's uptime when the event happened (release for a press, the threshold for a long press).</summary>
        public uint UptimeMilliseconds { get; }

        public byte Button { get; }

        public ButtonAction Action { get; }

        /// <summary>How long the button had been held (saturates at 65535).</summary>
        public ushort HeldMilliseconds { get; }

        public static ButtonEvent Read(byte[] body, int offset) => new ButtonEvent(
            LittleEndian.ReadUInt32(body, offset),
            body[offset + 4],
            (ButtonAction)body[offset + 5],
            LittleEndian.ReadUInt16(body, offset + 6));

        public override void WriteBody(byte[] buffer, int offset)
        {
            LittleEndian.WriteUInt32(buffer, offset, UptimeMilliseconds);
            buffer[offset + 4] = Button;
            buffer[offset + 5] = (byte)Action;
            LittleEndian.WriteUInt16(buffer, offset + 6, HeldMilliseconds);
        }
    }
}
