using System.Diagnostics;
using EdgeAgent.Firmware.Hardware;

namespace EdgeAgent.Firmware.Device
{
    /// <summary>Uptime from a Stopwatch started at boot: monotonic, unlike DateTime.UtcNow, which TimeSync may set.</summary>
    internal sealed class StopwatchClock : IClock
    {
        private readonly Stopwatch _watch = Stopwatch.StartNew();

        public long UptimeMilliseconds => _watch.ElapsedMilliseconds;
    }
}
