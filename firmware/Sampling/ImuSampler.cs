using EdgeAgent.Firmware.Board;
using EdgeAgent.Firmware.Composition;
using EdgeAgent.Firmware.Hardware;
using EdgeAgent.Firmware.Hosting;
using EdgeAgent.Firmware.Link;

namespace EdgeAgent.Firmware.Sampling
{
    /// <summary>
    /// The always-on IMU: while the board is awake a reading goes to it every period (unacknowledged: the next one
    /// follows); while it sleeps the IMU is only checked, less often, for motion, and motion wakes the board. Motion
    /// is the acceleration's magnitude off 1 g by more than the threshold (compared squared: no square root).
    /// </summary>
    internal sealed class ImuSampler : IFirmwareService
    {
        private readonly IImu _imu;
        private readonly IUplink _uplink;
        private readonly BoardState _board;
        private readonly FirmwareSettings _settings;
        private readonly long _stillLowSquared;
        private readonly long _stillHighSquared;
        private long _nextAt;
        private bool _scheduledAwake = true;

        public ImuSampler(IImu imu, IUplink uplink, BoardState board, FirmwareSettings settings)
        {
            _imu = imu;
            _uplink = uplink;
            _board = board;
            _settings = settings;
            long low = 1000 - settings.MotionWakeMilliG;
            long high = 1000 + settings.MotionWakeMilliG;
            _stillLowSquared = low * low;
            _stillHighSquared = high * high;
        }

        /// <summary>Samples the IMU would not give (not ready, bus fault).</summary>
        public int Missed { get; private set; }

        public void Start(long nowMilliseconds) => _nextAt = nowMilliseconds;

        public void Tick(long nowMilliseconds)
        {
            // A board that just woke (or fell asleep) gets the new rate at once, not after the old period.
            var awake = _board.IsAwake;
            if (nowMilliseconds < _nextAt && awake == _scheduledAwake)
            {
                return;
            }

            _scheduledAwake = awake;
            _nextAt = nowMilliseconds + (awake ? _settings.ImuPeriodMilliseconds : _settings.ImuSleepingPeriodMilliseconds);
            ImuSample sample;
            if (!_imu.TryRead(out sample))
            {
                Missed++;
                return;
            }

            if (awake)
            {
                _uplink.Publish(
                    new ImuReading((uint)nowMilliseconds, sample.AccelX, sample.AccelY, sample.AccelZ, sample.GyroX, sample.GyroY, sample.GyroZ),
                    false,
                    nowMilliseconds);
            }
            else if (IsMoving(sample))
            {
                _board.RequestWake();
            }
        }

        private bool IsMoving(ImuSample sample)
        {
            long x = sample.AccelX;
            long y = sample.AccelY;
            long z = sample.AccelZ;
            var squared = (x * x) + (y * y) + (z * z);
            return squared < _stillLowSquared || squared > _stillHighSquared;
        }
    }
}
