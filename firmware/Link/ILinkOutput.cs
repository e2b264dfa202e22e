namespace EdgeAgent.Firmware.Link
{
    /// <summary>Where a link endpoint writes its frames: the UART on the companion, the serial port on the board.</summary>
    internal interface ILinkOutput
    {
        void Write(byte[] buffer, int offset, int count);
    }
}
