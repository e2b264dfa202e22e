namespace EdgeAgent.Firmware.Link
{
    /// <summary>The type byte of a frame (PROTOCOL.md, "Message types"). 0x01-0x0F go from the companion to the
    /// board, 0x10-0x1F from the board to the companion, 0x7F both ways.</summary>
    internal enum MessageType : byte
    {
        ImuReading = 0x01,
        BatteryReading = 0x02,
        ButtonEvent = 0x03,
        Counters = 0x04,
        HapticsCommand = 0x10,
        LedCommand = 0x11,
        PowerCommand = 0x12,
        TimeSync = 0x13,
        Acknowledgement = 0x7F,
    }
}
