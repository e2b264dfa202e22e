using EdgeAgent.Firmware.Link;

namespace EdgeAgent.Firmware.Composition
{
    /// <summary>Every timing and threshold of the firmware in one place (PROTOCOL.md states the ones the board sees).</summary>
    internal sealed class FirmwareSettings
    {
        /// <summary>The host loop's period: buttons are polled, the UART drained and patterns stepped this often.</summary>
        public int TickMilliseconds { get; set; } = 10;

        /// <summary>IMU readings sent while the board is awake: 10 a second.</summary>
        public int ImuPeriodMilliseconds { get; set; } = 100;

        /// <summary>The IMU is checked for motion this often while the board sleeps.</summary>
        public int ImuSleepingPeriodMilliseconds { get; set; } = 500;

        /// <summary>Motion that wakes the board: the acceleration's magnitude this far from 1 g.</summary>
        public int MotionWakeMilliG { get; set; } = 300;

        public int BatteryPeriodMilliseconds { get; set; } = 10000;

        /// <summary>A button level counts once it held this long.</summary>
        public int DebounceMilliseconds { get; set; } = 30;

        public int LongPressMilliseconds { get; set; } = 1500;

        /// <summary>Counters reports while the board is awake (and one at once when it wakes).</summary>
        public int CountersPeriodMilliseconds { get; set; } = 60000;

        /// <summary>Reliable messages kept while the board sleeps (button events); the oldest goes first.</summary>
        public int HeldCapacity { get; set; } = 16;

        public LinkSettings Link { get; set; } = LinkSettings.Default;
    }
}
