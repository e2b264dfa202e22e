namespace EdgeAgent.Firmware.Hardware
{
    /// <summary>The UART to the board.</summary>
    internal interface IUart
    {
        /// <summary>Copies up to <paramref name="count"/> received bytes; returns how many (0 when none). Never blocks.</summary>
        int Read(byte[] buffer, int offset, int count);

        void Write(byte[] buffer, int offset, int count);
    }
}
