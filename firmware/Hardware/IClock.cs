namespace EdgeAgent.Firmware.Hardware
{
    /// <summary>The companion's monotonic clock: milliseconds since it powered on. Never set, never jumps (unlike
    /// DateTime.UtcNow, which TimeSync would move). Every service gets its time from here.</summary>
    internal interface IClock
    {
        long UptimeMilliseconds { get; }
    }
}
