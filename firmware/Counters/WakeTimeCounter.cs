using EdgeAgent.Firmware.Board;
using EdgeAgent.Firmware.Composition;
using EdgeAgent.Firmware.Hosting;
using EdgeAgent.Firmware.Link;

namespace EdgeAgent.Firmware.Counters
{
    /// <summary>
    /// The wake-time counter: every millisecond of the companion's uptime since it started is counted as operating
    /// (the board awake) or standby (the board asleep), as the board was at the previous tick. It keeps counting
    /// while the board sleeps, which is the point: the board cannot count its own sleep. Reports go out reliably
    /// every period while the board is awake and at once whenever it says it is awake (after a sleep, or when the
    /// agent starts and needs a baseline), so an hour's sleep arrives as the hour's standby seconds in the first
    /// report after it.
    /// </summary>
    internal sealed class WakeTimeCounter : IFirmwareService
    {
        private readonly BoardState _board;
        private readonly IUplink _uplink;
        private readonly int _periodMilliseconds;
        private long _last;
        private bool _wasAwake;
        private long _nextReportAt;

        public WakeTimeCounter(BoardState board, IUplink uplink, FirmwareSettings settings)
        {
            _board = board;
            _uplink = uplink;
            _periodMilliseconds = settings.CountersPeriodMilliseconds;
        }

        public long OperatingMilliseconds { get; private set; }

        public long StandbyMilliseconds { get; private set; }

        public void Start(long nowMilliseconds)
        {
            _last = nowMilliseconds;
            _wasAwake = _board.IsAwake;
            _nextReportAt = nowMilliseconds + _periodMilliseconds;
        }

        public void Tick(long nowMilliseconds)
        {
            var elapsed = nowMilliseconds - _last;
            _last = nowMilliseconds;
            if (_wasAwake)
            {
                OperatingMilliseconds += elapsed;
            }
            else
            {
                StandbyMilliseconds += elapsed;
            }

            var awake = _board.IsAwake;
            var requested = awake && _board.CountersRequested;
            _wasAwake = awake;
            if (requested || (awake && nowMilliseconds >= _nextReportAt))
            {
                _board.CountersRequested = false;
                _nextReportAt = nowMilliseconds + _periodMilliseconds;
                _uplink.Publish(Report(), true, nowMilliseconds);
            }
        }

        public CountersReport Report() => new CountersReport(
            Seconds(OperatingMilliseconds + StandbyMilliseconds),
            Seconds(OperatingMilliseconds),
            Seconds(StandbyMilliseconds),
            _board.Wakes);

        private static uint Seconds(long milliseconds) => (uint)(milliseconds / 1000);
    }
}
