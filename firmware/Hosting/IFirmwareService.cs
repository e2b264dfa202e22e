namespace EdgeAgent.Firmware.Hosting
{
    /// <summary>One service of the firmware host, the microcontroller's BackgroundService: ticked by the host's one
    /// loop with the clock's time; it does a little and returns (there are no threads to block).</summary>
    internal interface IFirmwareService
    {
        void Start(long nowMilliseconds);

        void Tick(long nowMilliseconds);
    }
}
