namespace EdgeAgent.Firmware.Hardware
{
    /// <summary>The companion's own idling and the board's wake line.</summary>
    internal interface IPower
    {
        /// <summary>Idles the companion for <paramref name="milliseconds"/> (light sleep: RAM, counters and the UART
        /// are kept). The host's only wait.</summary>
        void Sleep(int milliseconds);

        /// <summary>Pulses the board's wake line (a GPIO to its power controller).</summary>
        void WakeBoard();
    }
}
