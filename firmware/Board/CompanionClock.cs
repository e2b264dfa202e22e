namespace EdgeAgent.Firmware.Board
{
    /// <summary>Wall-clock time from the board's last TimeSync, carried forward on the companion's own uptime.</summary>
    internal sealed class CompanionClock
    {
        private long _unixAtSync;
        private long _uptimeAtSync;

        public bool IsSynchronised { get; private set; }

        public void Synchronise(long unixMilliseconds, long uptimeMilliseconds)
        {
            _unixAtSync = unixMilliseconds;
            _uptimeAtSync = uptimeMilliseconds;
            IsSynchronised = true;
        }

        /// <summary>False until the board has sent a TimeSync.</summary>
        public bool TryGetUnixMilliseconds(long uptimeMilliseconds, out long unixMilliseconds)
        {
            unixMilliseconds = IsSynchronised ? _unixAtSync + (uptimeMilliseconds - _uptimeAtSync) : 0;
            return IsSynchronised;
        }
    }
}
