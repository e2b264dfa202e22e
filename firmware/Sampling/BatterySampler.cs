using EdgeAgent.Firmware.Board;
using EdgeAgent.Firmware.Composition;
using EdgeAgent.Firmware.Hardware;
using EdgeAgent.Firmware.Hosting;
using EdgeAgent.Firmware.Link;

namespace EdgeAgent.Firmware.Sampling
{
    /// <summary>Reads the battery gauge every period while the board is awake and sends it (unacknowledged).</summary>
    internal sealed class BatterySampler : IFirmwareService
    {
        private readonly IBatteryGauge _gauge;
        private readonly IUplink _uplink;
        private readonly BoardState _board;
        private readonly int _periodMilliseconds;
        private long _nextAt;

        public BatterySampler(IBatteryGauge gauge, IUplink uplink, BoardState board, FirmwareSettings settings)
        {
            _gauge = gauge;
            _uplink = uplink;
            _board = board;
            _periodMilliseconds = settings.BatteryPeriodMilliseconds;
        }

        public int Missed { get; private set; }

        public void Start(long nowMilliseconds) => _nextAt = nowMilliseconds;

        public void Tick(long nowMilliseconds)
        {
            if (!_board.IsAwake || nowMilliseconds < _nextAt)
            {
                return;
            }

            _nextAt = nowMilliseconds + _periodMilliseconds;
            BatterySample sample;
            if (!_gauge.TryRead(out sample))
            {
                Missed++;
                return;
            }

            _uplink.Publish(
                new BatteryReading((uint)nowMilliseconds, sample.Millivolts, sample.Milliamps, sample.StateOfChargePercent, sample.Flags),
                false,
                nowMilliseconds);
        }
    }
}
