using EdgeAgent.Firmware.Hardware;
using EdgeAgent.Firmware.Hosting;

namespace EdgeAgent.Firmware.Board
{
    /// <summary>
    /// Whether the board is awake, as it last said (PowerCommand), and the one way to wake it: a button, motion or
    /// its own wake timer asks here, and the wake line is pulsed once per sleep. The board is awake at power-on.
    /// </summary>
    internal sealed class BoardState : IFirmwareService
    {
        private readonly IPower _power;
        private long _wakeAt = -1;
        private bool _wakeRequested;

        public BoardState(IPower power) => _power = power;

        public bool IsAwake { get; private set; } = true;

        /// <summary>Times the board went from asleep to awake.</summary>
        public ushort Wakes { get; private set; }

        /// <summary>Set by every BoardAwake: the counter sends a report at its next tick and clears it.</summary>
        public bool CountersRequested { get; set; }

        /// <summary>Times the wake line was pulsed.</summary>
        public int WakePulses { get; private set; }

        public void Sleeping(long nowMilliseconds, uint wakeAfterSeconds)
        {
            IsAwake = false;
            _wakeRequested = false;
            _wakeAt = wakeAfterSeconds == 0 ? -1 : nowMilliseconds + (wakeAfterSeconds * 1000L);
        }

        /// <summary>The board said it is awake (after a sleep, or at its start): it wants a counters report.</summary>
        public void Awake()
        {
            CountersRequested = true;
            if (!IsAwake)
            {
                Wakes++;
            }

            IsAwake = true;
            _wakeAt = -1;
            _wakeRequested = false;
        }

        /// <summary>Wakes a sleeping board (once per sleep; a board that is awake is left alone).</summary>
        public void RequestWake()
        {
            if (IsAwake || _wakeRequested)
            {
                return;
            }

            _wakeRequested = true;
            WakePulses++;
            _power.WakeBoard();
        }

        public void Start(long nowMilliseconds)
        {
        }

        public void Tick(long nowMilliseconds)
        {
            if (!IsAwake && _wakeAt >= 0 && nowMilliseconds >= _wakeAt)
            {
                RequestWake();
            }
        }
    }
}
