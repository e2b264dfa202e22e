namespace EdgeAgent.Firmware.Link
{
    /// <summary>One typed message: its type byte and its fixed-length little-endian body (PROTOCOL.md).</summary>
    internal abstract class Message
    {
        public abstract MessageType Type { get; }

        /// <summary>The exact body length of this type; a frame whose body is any other length is malformed.</summary>
        public abstract int BodyLength { get; }

        public abstract void WriteBody(byte[] buffer, int offset);
    }
}
