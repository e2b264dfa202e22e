namespace EdgeAgent.Firmware.Link
{
    /// <summary>From a frame's type byte and body to a typed message: the one table of types and body lengths.</summary>
    internal static class MessageCodec
    {
        /// <summary>The body length of a known type, or -1 for a type this side does not know.</summary>
        public static int BodyLength(byte type)
        {
            switch ((MessageType)type)
            {
                case MessageType.ImuReading: return ImuReading.Length;
                case MessageType.BatteryReading: return BatteryReading.Length;
                case MessageType.ButtonEvent: return ButtonEvent.Length;
                case MessageType.Counters: return CountersReport.Length;
                case MessageType.HapticsCommand: return HapticsCommand.Length;
                case MessageType.LedCommand: return LedCommand.Length;
                case MessageType.PowerCommand: return PowerCommand.Length;
                case MessageType.TimeSync: return TimeSync.Length;
                case MessageType.Acknowledgement: return Acknowledgement.Length;
                default: return -1;
            }
        }

        /// <summary>The message in <paramref name="body"/>, or null when the type is unknown or the body is not its length.</summary>
        public static Message? Decode(byte type, byte[] body)
        {
            if (BodyLength(type) != body.Length)
            {
                return null;
            }

            switch ((MessageType)type)
            {
                case MessageType.ImuReading: return ImuReading.Read(body, 0);
                case MessageType.BatteryReading: return BatteryReading.Read(body, 0);
                case MessageType.ButtonEvent: return ButtonEvent.Read(body, 0);
                case MessageType.Counters: return CountersReport.Read(body, 0);
                case MessageType.HapticsCommand: return HapticsCommand.Read(body, 0);
                case MessageType.LedCommand: return LedCommand.Read(body, 0);
                case MessageType.PowerCommand: return PowerCommand.Read(body, 0);
                case MessageType.TimeSync: return TimeSync.Read(body, 0);
                case MessageType.Acknowledgement: return Acknowledgement.Read(body, 0);
                default: return null;
            }
        }
    }
}
