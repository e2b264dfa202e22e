namespace EdgeAgent.Firmware.Link
{
    /// <summary>How an LED shows its colour.</summary>
    internal enum LedMode : byte
    {
        Off = 0,
        Solid = 1,

        /// <summary>500 ms on, 500 ms off.</summary>
        Blink = 2,

        /// <summary>100 ms on, 100 ms off.</summary>
        FastBlink = 3,
    }

    /// <summary>0x11: set one LED.</summary>
    internal sealed class LedCommand : Message
    {
        public const int Length = 5;

        public LedCommand(byte led, LedMode mode, byte red, byte green, byte blue)
        {
            Led = led;
            Mode = mode;
            Red = red;
            Green = green;
            Blue = blue;
        }

        public override MessageType Type => MessageType.LedCommand;

        public override int BodyLength => Length;

        public byte Led { get; }

        public LedMode Mode { get; }

        public byte Red { get; }

        public byte Green { get; }

        public byte Blue { get; }

        public static LedCommand Read(byte[] body, int offset) =>
            new LedCommand(body[offset], (LedMode)body[offset + 1], body[offset + 2], body[offset + 3], body[offset + 4]);

        public override void WriteBody(byte[] buffer, int offset)
        {
            buffer[offset] = Led;
            buffer[offset + 1] = (byte)Mode;
            buffer[offset + 2] = Red;
            buffer[offset + 3] = Green;
            buffer[offset + 4] = Blue;
        }
    }
}
