using EdgeAgent.Firmware.Link;

namespace EdgeAgent.Firmware.Buttons
{
    /// <summary>
    /// One button's raw level to events: a level counts once it held for the debounce time (contact bounce of a
    /// tactile switch settles within a few milliseconds; 30 ms is generous). A press released before the long-press
    /// threshold is a Press, reported on release; one held to the threshold is a LongPress, reported once when the
    /// threshold is crossed, and its release reports nothing.
    /// </summary>
    internal sealed class ButtonDebouncer
    {
        private readonly int _debounceMilliseconds;
        private readonly int _longPressMilliseconds;
        private bool _candidate;
        private long _candidateSince;
        private long _pressedAt;
        private bool _longPressSent;

        public ButtonDebouncer(int debounceMilliseconds, int longPressMilliseconds)
        {
            _debounceMilliseconds = debounceMilliseconds;
            _longPressMilliseconds = longPressMilliseconds;
        }

        /// <summary>The debounced level.</summary>
        public bool IsPressed { get; private set; }

        /// <summary>Takes the raw level at <paramref name="nowMilliseconds"/>; true when it completes an event.
        /// <paramref name="heldMilliseconds"/> is from the debounced press to the release (Press) or to now (LongPress).</summary>
        public bool Update(bool raw, long nowMilliseconds, out ButtonAction action, out int heldMilliseconds)
        {
            action = ButtonAction.Press;
            heldMilliseconds = 0;
            if (raw != _candidate)
            {
                _candidate = raw;
                _candidateSince = nowMilliseconds;
            }

            if (_candidate != IsPressed && nowMilliseconds - _candidateSince >= _debounceMilliseconds)
            {
                IsPressed = _candidate;
                if (IsPressed)
                {
                    _pressedAt = _candidateSince;
                    _longPressSent = false;
                }
                else if (!_longPressSent)
                {
                    action = ButtonAction.Press;
                    heldMilliseconds = (int)(_candidateSince - _pressedAt);
                    return true;
                }
            }

            if (IsPressed && !_longPressSent && nowMilliseconds - _pressedAt >= _longPressMilliseconds)
            {
                _longPressSent = true;
                action = ButtonAction.LongPress;
                heldMilliseconds = (int)(nowMilliseconds - _pressedAt);
                return true;
            }

            return false;
        }
    }
}
