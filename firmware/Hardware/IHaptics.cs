namespace EdgeAgent.Firmware.Hardware
{
    /// <summary>The vibration motor.</summary>
    internal interface IHaptics
    {
        /// <summary>Drives the motor at <paramref name="intensity"/> (0 stops it, 255 is full).</summary>
        void Drive(byte intensity);
    }
}
