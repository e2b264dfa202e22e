namespace EdgeAgent.Firmware.Link
{
    /// <summary>
    /// One end of the link, the same code on the companion and on the board: sends messages as frames (reliable ones
    /// with a sequence number kept until acknowledged and resent on a timeout, a bounded number of times), decodes
    /// received bytes, acknowledges what asks for it, drops resends it has already delivered, and hands messages to
    /// its listener. Time comes in as milliseconds of a monotonic clock; the endpoint never reads a clock itself.
    /// Not thread-safe: one owner calls Send, Receive and Tick.
    /// </summary>
    internal sealed class LinkEndpoint
    {
        private const long Never = long.MinValue;

        private readonly ILinkOutput _output;
        private readonly ILinkListener _listener;
        private readonly LinkSettings _settings;
        private readonly FrameEncoder _encoder = new FrameEncoder();
        private readonly FrameDecoder _decoder = new FrameDecoder();
        private readonly PendingFrame[] _pending;
        private readonly byte[] _wire = new byte[Frame.MaxWireLength];

        // When a reliable frame of each sequence number was last delivered, to recognise a resend whose ack was lost.
        // It counts only within the duplicate window: a sender's sequence numbers come round again after 256 frames.
        private readonly long[] _deliveredAt = new long[256];
        private byte _nextSequence;

        public LinkEndpoint(ILinkOutput output, ILinkListener listener, LinkSettings settings, byte firstSequence)
        {
            _output = output;
            _listener = listener;
            _settings = settings;
            _nextSequence = firstSequence;
            _pending = new PendingFrame[settings.PendingCapacity];
            for (var i = 0; i < _pending.Length; i++)
            {
                _pending[i] = new PendingFrame();
            }

            for (var i = 0; i < _deliveredAt.Length; i++)
            {
                _deliveredAt[i] = Never;
            }
        }

        public LinkStatistics Statistics { get; } = new LinkStatistics();

        public FrameDecoder Decoder => _decoder;

        /// <summary>Reliable frames sent and not yet acknowledged or given up.</summary>
        public int PendingCount
        {
            get
            {
                var count = 0;
                for (var i = 0; i < _pending.Length; i++)
                {
                    if (_pending[i].InUse)
                    {
                        count++;
                    }
                }

                return count;
            }
        }

        /// <summary>Whether <paramref name="message"/> (the instance passed to <see cref="Send"/>) still waits for its
        /// acknowledgement: false once acknowledged, refused or given up. The board waits on it before letting a suspend
        /// proceed.</summary>
        public bool IsPending(Message message)
        {
            for (var i = 0; i < _pending.Length; i++)
            {
                if (_pending[i].InUse && ReferenceEquals(_pending[i].Message, message))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Sends <paramref name="message"/>. A reliable one is kept and resent until acknowledged; returns false
        /// (and sends nothing) when <see cref="LinkSettings.PendingCapacity"/> reliable frames are already waiting.</summary>
        public bool Send(Message message, bool reliable, long nowMilliseconds)
        {
            if (message.Type == MessageType.Acknowledgement)
            {
                reliable = false; // acknowledgements are never acknowledged
            }

            if (!reliable)
            {
                var length = _encoder.Encode(message, 0, NextSequence(), _wire, 0);
                _output.Write(_wire, 0, length);
                Statistics.Sent++;
                return true;
            }

            var slot = FreeSlot();
            if (slot == null)
            {
                Statistics.Refused++;
                return false;
            }

            slot.InUse = true;
            slot.Message = message;
            slot.Sequence = NextSequence();
            slot.WireLength = _encoder.Encode(message, Frame.FlagAckRequested, slot.Sequence, slot.Wire, 0);
            slot.Attempts = 1;
            slot.LastSentMilliseconds = nowMilliseconds;
            _output.Write(slot.Wire, 0, slot.WireLength);
            Statistics.Sent++;
            return true;
        }

        /// <summary>Takes received bytes; every frame they complete is handled before this returns.</summary>
        public void Receive(byte[] data, int offset, int count, long nowMilliseconds)
        {
            for (var i = offset; i < offset + count; i++)
            {
                var frame = _decoder.Push(data[i]);
                if (frame != null)
                {
                    Handle(frame, nowMilliseconds);
                }
            }
        }

        /// <summary>Resends what waited longer than the ack timeout; gives up what had its last attempt.</summary>
        public void Tick(long nowMilliseconds)
        {
            for (var i = 0; i < _pending.Length; i++)
            {
                var slot = _pending[i];
                if (!slot.InUse || nowMilliseconds - slot.LastSentMilliseconds < _settings.AckTimeoutMilliseconds)
                {
                    continue;
                }

                if (slot.Attempts >= _settings.MaxAttempts)
                {
                    var message = slot.Message;
                    Release(slot);
                    Statistics.GaveUp++;
                    if (message != null)
                    {
                        _listener.OnDeliveryFailed(message);
                    }

                    continue;
                }

                slot.Attempts++;
                slot.LastSentMilliseconds = nowMilliseconds;
                _output.Write(slot.Wire, 0, slot.WireLength);
                Statistics.Resent++;
            }
        }

        private void Handle(Frame frame, long nowMilliseconds)
        {
            var message = MessageCodec.Decode(frame.Type, frame.Body);
            if (message == null)
            {
                Statistics.Unreadable++;
                if (frame.AckRequested && frame.Type != (byte)MessageType.Acknowledgement)
                {
                    var status = MessageCodec.BodyLength(frame.Type) < 0 ? AckStatus.UnsupportedType : AckStatus.Malformed;
                    Send(new Acknowledgement(frame.Sequence, frame.Type, status), false, nowMilliseconds);
                }

                return;
            }

            Statistics.Received++;
            var ack = message as Acknowledgement;
            if (ack != null)
            {
                Acknowledged(ack);
                return;
            }

            if (frame.AckRequested)
            {
                Send(new Acknowledgement(frame.Sequence, frame.Type, AckStatus.Accepted), false, nowMilliseconds);
                var deliveredAt = _deliveredAt[frame.Sequence];
                if (deliveredAt != Never && nowMilliseconds - deliveredAt <= _settings.DuplicateWindowMilliseconds)
                {
                    Statistics.Duplicates++;
                    return;
                }

                _deliveredAt[frame.Sequence] = nowMilliseconds;
            }

            _listener.OnMessage(message);
        }

        private void Acknowledged(Acknowledgement ack)
        {
            for (var i = 0; i < _pending.Length; i++)
            {
                var slot = _pending[i];
                if (!slot.InUse || slot.Sequence != ack.Sequence || slot.Message == null || (byte)slot.Message.Type != ack.AcknowledgedType)
                {
                    continue;
                }

                var message = slot.Message;
                Release(slot);
                if (ack.Status == AckStatus.Accepted)
                {
                    Statistics.Acknowledged++;
                }
                else
                {
                    Statistics.Rejected++;
                    _listener.OnDeliveryFailed(message);
                }

                return;
            }
        }

        private PendingFrame? FreeSlot()
        {
            for (var i = 0; i < _pending.Length; i++)
            {
                if (!_pending[i].InUse)
                {
                    return _pending[i];
                }
            }

            return null;
        }

        private static void Release(PendingFrame slot)
        {
            slot.InUse = false;
            slot.Message = null;
        }

        private byte NextSequence()
        {
            var sequence = _nextSequence;
            _nextSequence = unchecked((byte)(_nextSequence + 1));
            return sequence;
        }
    }
}
