using EdgeAgent.Firmware.Link;

namespace EdgeAgent.Firmware.Tests.Support;

/// <summary>Two link endpoints joined by a queued in-memory wire each way, with a clock in milliseconds and a filter
/// that can lose frames. Nothing moves until <see cref="Pump"/>, so a test sees each step.</summary>
internal sealed class LinkPair
{
    public LinkPair(LinkSettings? settings = null)
    {
        settings ??= LinkSettings.Default;
        A = new Side("A", settings, 0x10);
        B = new Side("B", settings, 0x80);
    }

    public Side A { get; }

    public Side B { get; }

    public long Now { get; private set; }

    /// <summary>Delivers everything queued both ways, repeatedly, until both wires are quiet.</summary>
    public void Pump()
    {
        while (A.Wire.Count > 0 || B.Wire.Count > 0)
        {
            Deliver(A, B);
            Deliver(B, A);
        }
    }

    /// <summary>Moves the clock, lets both endpoints tick, and pumps.</summary>
    public void Advance(long milliseconds)
    {
        Now += milliseconds;
        A.Endpoint.Tick(Now);
        B.Endpoint.Tick(Now);
        Pump();
    }

    private void Deliver(Side from, Side to)
    {
        while (from.Wire.Count > 0)
        {
            var frame = from.Wire.Dequeue();
            if (from.Lose is { } lose && lose(frame))
            {
                from.Lost.Add(frame);
                continue;
            }

            to.Endpoint.Receive(frame, 0, frame.Length, Now);
        }
    }

    internal sealed class Side : ILinkOutput, ILinkListener
    {
        public Side(string name, LinkSettings settings, byte firstSequence)
        {
            Name = name;
            Endpoint = new LinkEndpoint(this, this, settings, firstSequence);
        }

        public string Name { get; }

        public LinkEndpoint Endpoint { get; }

        public Queue<byte[]> Wire { get; } = new();

        public List<byte[]> Written { get; } = [];

        public List<byte[]> Lost { get; } = [];

        public List<Message> Received { get; } = [];

        public List<Message> Failed { get; } = [];

        /// <summary>Frames (whole writes) this side sends that the wire loses.</summary>
        public Func<byte[], bool>? Lose { get; set; }

        public void Write(byte[] buffer, int offset, int count)
        {
            var frame = buffer.AsSpan(offset, count).ToArray();
            Written.Add(frame);
            Wire.Enqueue(frame);
        }

        public void OnMessage(Message message) => Received.Add(message);

        public void OnDeliveryFailed(Message message) => Failed.Add(message);
    }
}
