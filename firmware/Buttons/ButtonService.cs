using EdgeAgent.Firmware.Board;
using EdgeAgent.Firmware.Composition;
using EdgeAgent.Firmware.Hardware;
using EdgeAgent.Firmware.Hosting;
using EdgeAgent.Firmware.Link;

namespace EdgeAgent.Firmware.Buttons
{
    /// <summary>Polls every button each tick, debounces it, and publishes its events reliably; a button going down
    /// while the board sleeps wakes the board (the event itself is held until the board is awake).</summary>
    internal sealed class ButtonService : IFirmwareService
    {
        private readonly IButtons _buttons;
        private readonly IUplink _uplink;
        private readonly BoardState _board;
        private readonly ButtonDebouncer[] _debouncers;

        public ButtonService(IButtons buttons, IUplink uplink, BoardState board, FirmwareSettings settings)
        {
            _buttons = buttons;
            _uplink = uplink;
            _board = board;
            _debouncers = new ButtonDebouncer[buttons.Count];
            for (var i = 0; i < _debouncers.Length; i++)
            {
                _debouncers[i] = new ButtonDebouncer(settings.DebounceMilliseconds, settings.LongPressMilliseconds);
            }
        }

        public void Start(long nowMilliseconds)
        {
        }

        public void Tick(long nowMilliseconds)
        {
            for (var i = 0; i < _debouncers.Length; i++)
            {
                ButtonAction action;
                int held;
                var debouncer = _debouncers[i];
                if (debouncer.Update(_buttons.IsPressed(i), nowMilliseconds, out action, out held))
                {
                    var heldMilliseconds = held > ushort.MaxValue ? ushort.MaxValue : (ushort)held;
                    _uplink.Publish(new ButtonEvent((uint)nowMilliseconds, (byte)i, action, heldMilliseconds), true, nowMilliseconds);
                }

                if (debouncer.IsPressed && !_board.IsAwake)
                {
                    _board.RequestWake();
                }
            }
        }
    }
}
