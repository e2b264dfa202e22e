using EdgeAgent.Firmware.Hardware;
using EdgeAgent.Firmware.Hosting;
using EdgeAgent.Firmware.Link;

namespace EdgeAgent.Firmware.Haptics
{
    /// <summary>
    /// Plays haptic patterns on the motor, stepped by the host's tick: a command replaces whatever was playing, Stop
    /// (or an unknown pattern) stops it. The motor is written only when its drive changes.
    /// </summary>
    internal sealed class HapticsPlayer : IFirmwareService
    {
        private readonly IHaptics _motor;

        // The timeline being played (null: nothing): step durations (pattern steps, and gaps between repeats) and each step's drive.
        private int[]? _durations;
        private byte[]? _drives;
        private int _step;
        private long _stepEndsAt;
        private int _driven = -1;

        public HapticsPlayer(IHaptics motor) => _motor = motor;

        public bool IsPlaying => _durations != null && _step < _durations.Length;

        public void Play(HapticsCommand command, long nowMilliseconds)
        {
            var steps = HapticPatterns.Steps(command.Pattern);
            if (steps == null || command.Intensity == 0)
            {
                _durations = null;
                _drives = null;
                _step = 0;
                Apply(0);
                return;
            }

            var repeats = command.Repeat == 0 ? 1 : command.Repeat;
            var length = (steps.Length * repeats) + (repeats - 1);
            var durations = new int[length];
            var drives = new byte[length];
            var at = 0;
            for (var r = 0; r < repeats; r++)
            {
                if (r > 0)
                {
                    durations[at] = HapticPatterns.RepeatGapMilliseconds;
                    drives[at] = 0;
                    at++;
                }

                for (var s = 0; s < steps.Length; s++)
                {
                    durations[at] = steps[s];
                    drives[at] = s % 2 == 0 ? command.Intensity : (byte)0;
                    at++;
                }
            }

            _durations = durations;
            _drives = drives;
            _step = 0;
            _stepEndsAt = nowMilliseconds + durations[0];
            Apply(drives[0]);
        }

        public void Start(long nowMilliseconds) => Apply(0);

        public void Tick(long nowMilliseconds)
        {
            var durations = _durations;
            var drives = _drives;
            if (durations == null || drives == null)
            {
                Apply(0);
                return;
            }

            while (_step < durations.Length && nowMilliseconds >= _stepEndsAt)
            {
                _step++;
                if (_step < durations.Length)
                {
                    _stepEndsAt += durations[_step];
                }
            }

            Apply(_step < durations.Length ? drives[_step] : (byte)0);
        }

        private void Apply(byte drive)
        {
            if (_driven != drive)
            {
                _driven = drive;
                _motor.Drive(drive);
            }
        }
    }
}
