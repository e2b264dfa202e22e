namespace EdgeAgent.Firmware.Link
{
    /// <summary>The haptic patterns the companion knows (their timings are in Haptics/HapticPatterns.cs).</summary>
    internal enum HapticPattern : byte
    {
        /// <summary>Stop whatever is playing.</summary>
        Stop = 0,
        Tick = 1,
        DoubleTick = 2,
        Long = 3,
        Alert = 4,
    }

    /// <summary>0x10: play a haptic pattern.</summary>
    internal sealed class HapticsCommand : Message
    {
        public const int Length = 3;

        public HapticsCommand(HapticPattern pattern, byte intensity, byte repeat)
        {
            Pattern = pattern;
            Intensity = intensity;
            Repeat = repeat;
        }

        public override MessageType Type => MessageType.HapticsCommand;

        public override int BodyLength => Length;

        public HapticPattern Pattern { get; }

        /// <summary>Motor drive, 0 (off) to 255 (full).</summary>
        public byte Intensity { get; }

        /// <summary>How many times to play the pattern (0 counts as 1).</summary>
        public byte Repeat { get; }

        public static HapticsCommand Read(byte[] body, int offset) =>
            new HapticsCommand((HapticPattern)body[offset], body[offset + 1], body[offset + 2]);

        public override void WriteBody(byte[] buffer, int offset)
        {
            buffer[offset] = (byte)Pattern;
            buffer[offset + 1] = Intensity;
            buffer[offset + 2] = Repeat;
        }
    }
}
