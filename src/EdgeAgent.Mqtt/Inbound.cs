namespace EdgeAgent.Mqtt;

/// <summary>What MQTTnet's handlers hand to the owning loop (they never do the work themselves).</summary>
internal abstract record Inbound
{
    public sealed record Ack(byte[] Payload) : Inbound;

    public sealed record ClockReply(byte[] Payload, long ReceivedMonoMs) : Inbound;

    public sealed record ModelCommand(byte[] Payload) : Inbound;

    public sealed record Disconnected(string Reason) : Inbound;
}
