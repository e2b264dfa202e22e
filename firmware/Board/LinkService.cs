using EdgeAgent.Firmware.Composition;
using EdgeAgent.Firmware.Hardware;
using EdgeAgent.Firmware.Haptics;
using EdgeAgent.Firmware.Hosting;
using EdgeAgent.Firmware.Indicators;
using EdgeAgent.Firmware.Link;

namespace EdgeAgent.Firmware.Board
{
    /// <summary>
    /// The link to the board: drains the UART into the link endpoint every tick, lets it resend, carries out the
    /// board's commands, and sends what the services publish. While the board sleeps nothing is sent: reliable
    /// messages are held (bounded, the oldest dropped first) and go out, in order, once the board says it is awake;
    /// readings are dropped (they would be stale). A reliable message the board did not acknowledge because it fell
    /// asleep is held again, not lost.
    /// </summary>
    internal sealed class LinkService : IFirmwareService, IUplink, ILinkListener, ILinkOutput
    {
        private const int MaxReadsPerTick = 8;

        private readonly IUart _uart;
        private readonly BoardState _board;
        private readonly HapticsPlayer _haptics;
        private readonly LedIndicators _leds;
        private readonly CompanionClock _clock;
        private readonly LinkEndpoint _endpoint;
        private readonly byte[] _received = new byte[64];
        private readonly Message?[] _held;
        private int _heldFirst;
        private int _heldCount;
        private long _now;

        public LinkService(IUart uart, BoardState board, HapticsPlayer haptics, LedIndicators leds, CompanionClock clock, FirmwareSettings settings, byte firstSequence)
        {
            _uart = uart;
            _board = board;
            _haptics = haptics;
            _leds = leds;
            _clock = clock;
            _held = new Message?[settings.HeldCapacity];
            _endpoint = new LinkEndpoint(this, this, settings.Link, firstSequence);
        }

        public LinkEndpoint Endpoint => _endpoint;

        public int HeldCount => _heldCount;

        /// <summary>Held messages dropped to make room for newer ones.</summary>
        public int HeldDropped { get; private set; }

        /// <summary>Readings not sent because the board slept.</summary>
        public int SkippedWhileAsleep { get; private set; }

        /// <summary>Reliable messages the awake board never acknowledged (or refused).</summary>
        public int Undelivered { get; private set; }

        /// <summary>Messages from the board that are not commands (a reading type sent the wrong way).</summary>
        public int Ignored { get; private set; }

        public void Start(long nowMilliseconds) => _now = nowMilliseconds;

        public void Tick(long nowMilliseconds)
        {
            _now = nowMilliseconds;
            for (var i = 0; i < MaxReadsPerTick; i++)
            {
                var count = _uart.Read(_received, 0, _received.Length);
                if (count <= 0)
                {
                    break;
                }

                _endpoint.Receive(_received, 0, count, nowMilliseconds);
            }

            _endpoint.Tick(nowMilliseconds);
            if (_board.IsAwake)
            {
                SendHeld(nowMilliseconds);
            }
        }

        public void Publish(Message message, bool reliable, long nowMilliseconds)
        {
            if (!_board.IsAwake)
            {
                if (reliable)
                {
                    Hold(message);
                }
                else
                {
                    SkippedWhileAsleep++;
                }

                return;
            }

            if (!reliable)
            {
                _endpoint.Send(message, false, nowMilliseconds);
                return;
            }

            // Behind held messages, or when the endpoint has no room: in order, after them.
            if (_heldCount > 0 || !_endpoint.Send(message, true, nowMilliseconds))
            {
                Hold(message);
                SendHeld(nowMilliseconds);
            }
        }

        public void OnMessage(Message message)
        {
            switch (message.Type)
            {
                case MessageType.HapticsCommand:
                    _haptics.Play((HapticsCommand)message, _now);
                    break;
                case MessageType.LedCommand:
                    _leds.Apply((LedCommand)message, _now);
                    break;
                case MessageType.PowerCommand:
                    var power = (PowerCommand)message;
                    if (power.Action == PowerAction.BoardSleeping)
                    {
                        _board.Sleeping(_now, power.WakeAfterSeconds);
                    }
                    else if (power.Action == PowerAction.BoardAwake)
                    {
                        _board.Awake();
                    }

                    break;
                case MessageType.TimeSync:
                    _clock.Synchronise(((TimeSync)message).UnixMilliseconds, _now);
                    break;
                default:
                    Ignored++;
                    break;
            }
        }

        public void OnDeliveryFailed(Message message)
        {
            if (_board.IsAwake)
            {
                Undelivered++;
            }
            else
            {
                Hold(message);
            }
        }

        public void Write(byte[] buffer, int offset, int count) => _uart.Write(buffer, offset, count);

        private void Hold(Message message)
        {
            if (_heldCount == _held.Length)
            {
                _held[_heldFirst] = null;
                _heldFirst = (_heldFirst + 1) % _held.Length;
                _heldCount--;
                HeldDropped++;
            }

            _held[(_heldFirst + _heldCount) % _held.Length] = message;
            _heldCount++;
        }

        private void SendHeld(long nowMilliseconds)
        {
            while (_heldCount > 0)
            {
                var message = _held[_heldFirst];
                if (message != null && !_endpoint.Send(message, true, nowMilliseconds))
                {
                    return; // the endpoint is full; the rest go as acknowledgements free it
                }

                _held[_heldFirst] = null;
                _heldFirst = (_heldFirst + 1) % _held.Length;
                _heldCount--;
            }
        }
    }
}
