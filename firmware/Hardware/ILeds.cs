namespace EdgeAgent.Firmware.Hardware
{
    /// <summary>The RGB LEDs.</summary>
    internal interface ILeds
    {
        int Count { get; }

        void Set(int led, byte red, byte green, byte blue);
    }
}
