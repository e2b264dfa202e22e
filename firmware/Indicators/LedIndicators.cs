using EdgeAgent.Firmware.Hardware;
using EdgeAgent.Firmware.Hosting;
using EdgeAgent.Firmware.Link;

namespace EdgeAgent.Firmware.Indicators
{
    /// <summary>Shows each LED as the board last set it (off, solid, blinking), stepped by the host's tick; an LED is
    /// written only when what it shows changes. A command for an LED the companion does not have is counted and ignored.</summary>
    internal sealed class LedIndicators : IFirmwareService
    {
        public const int BlinkHalfPeriodMilliseconds = 500;
        public const int FastBlinkHalfPeriodMilliseconds = 100;

        private readonly ILeds _leds;
        private readonly LedCommand?[] _commands;
        private readonly long[] _since;
        private readonly int[] _shown;

        public LedIndicators(ILeds leds)
        {
            _leds = leds;
            _commands = new LedCommand?[leds.Count];
            _since = new long[leds.Count];
            _shown = new int[leds.Count];
            for (var i = 0; i < _shown.Length; i++)
            {
                _shown[i] = -1;
            }
        }

        public int UnknownLeds { get; private set; }

        public void Apply(LedCommand command, long nowMilliseconds)
        {
            if (command.Led >= _commands.Length)
            {
                UnknownLeds++;
                return;
            }

            _commands[command.Led] = command;
            _since[command.Led] = nowMilliseconds;
            Show(command.Led, nowMilliseconds);
        }

        public void Start(long nowMilliseconds)
        {
            for (var i = 0; i < _commands.Length; i++)
            {
                Show(i, nowMilliseconds);
            }
        }

        public void Tick(long nowMilliseconds)
        {
            for (var i = 0; i < _commands.Length; i++)
            {
                Show(i, nowMilliseconds);
            }
        }

        private void Show(int led, long nowMilliseconds)
        {
            var command = _commands[led];
            var on = false;
            if (command != null)
            {
                var elapsed = nowMilliseconds - _since[led];
                switch (command.Mode)
                {
                    case LedMode.Solid:
                        on = true;
                        break;
                    case LedMode.Blink:
                        on = (elapsed / BlinkHalfPeriodMilliseconds) % 2 == 0;
                        break;
                    case LedMode.FastBlink:
                        on = (elapsed / FastBlinkHalfPeriodMilliseconds) % 2 == 0;
                        break;
                }
            }

            var colour = on && command != null ? (command.Red << 16) | (command.Green << 8) | command.Blue : 0;
            if (_shown[led] == colour)
            {
                return;
            }

            _shown[led] = colour;
            _leds.Set(led, (byte)(colour >> 16), (byte)(colour >> 8), (byte)colour);
        }
    }
}
