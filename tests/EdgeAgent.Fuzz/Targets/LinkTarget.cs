using EdgeAgent.Firmware.Link;

namespace EdgeAgent.Fuzz.Targets;

/// <summary>
/// The companion link's receiving side (firmware/Link, linked into EdgeAgent.Hardware as the board runs it), fed the
/// input as received serial bytes: every 0x00-delimited chunk through <see cref="Cobs.Decode"/> (a chunk that decodes
/// must encode back to itself), the whole stream through a <see cref="FrameDecoder"/> and <see cref="MessageCodec.Decode"/>,
/// and the stream in three reads through a <see cref="LinkEndpoint"/> with two reliable messages waiting for their
/// acknowledgements, ticked past every resend and give-up; what the endpoint sends back must decode as frames.
/// <para>Documented rejections: -1 from Cobs.Decode, null from Push and Decode (counted as malformed, CRC error or
/// version mismatch, unreadable). Anything thrown is a finding.</para>
/// </summary>
internal sealed class LinkTarget : IFuzzTarget
{
    public string Name => "link";

    public string Covers => "firmware/Link: COBS deframing, CRC-16/CCITT, FrameDecoder, MessageCodec, LinkEndpoint (acks, duplicates, resends)";

    public void Run(byte[] input)
    {
        CheckCobs(input);
        CheckDecoder(input);
        CheckEndpoint(input);
    }

    public void Dispose()
    {
    }

    private static void CheckCobs(byte[] input)
    {
        var decoded = new byte[Frame.MaxLength];
        var encoded = new byte[Frame.MaxLength + 1];
        var start = 0;
        for (var i = 0; i <= input.Length; i++)
        {
            if (i < input.Length && input[i] != 0)
            {
                continue;
            }

            var count = i - start;
            var length = Cobs.Decode(input, start, count, decoded, 0);
            if (length >= 0)
            {
                // Within a frame's length every code byte is below 0xFF, so COBS is one-to-one: the chunk is the encoding.
                var again = Cobs.Encode(decoded, 0, length, encoded, 0);
                FuzzInvariantException.ThrowUnless(count == 0 || encoded.AsSpan(0, again).SequenceEqual(input.AsSpan(start, count)),
                    $"COBS chunk at {start} ({count} bytes) decodes to {length} bytes that encode to something else");
            }

            start = i + 1;
        }
    }

    private static void CheckDecoder(byte[] input)
    {
        var decoder = new FrameDecoder();
        var frames = 0;
        foreach (var b in input)
        {
            if (decoder.Push(b) is { } frame)
            {
                frames++;
                FuzzInvariantException.ThrowUnless(frame.Version == Frame.CurrentVersion && frame.Body.Length <= Frame.MaxBodyLength,
                    $"a frame of version {frame.Version} with a {frame.Body.Length}-byte body came out of the decoder");
                _ = MessageCodec.Decode(frame.Type, frame.Body);
            }
        }

        FuzzInvariantException.ThrowUnless(frames == decoder.Frames, $"{frames} frames returned, {decoder.Frames} counted");
    }

    private static void CheckEndpoint(byte[] input)
    {
        var output = new Recorder();
        var endpoint = new LinkEndpoint(output, output, LinkSettings.Default, firstSequence: 0);
        endpoint.Send(new PowerCommand(PowerAction.BoardAwake, 0), reliable: true, nowMilliseconds: 0);
        endpoint.Send(new TimeSync(1764403200000), reliable: true, nowMilliseconds: 0);
        var third = input.Length / 3;
        endpoint.Receive(input, 0, third, 10);
        endpoint.Receive(input, third, third, 20);
        endpoint.Receive(input, 2 * third, input.Length - (2 * third), 30);
        for (var now = 0L; now <= 2000; now += LinkSettings.Default.AckTimeoutMilliseconds)
        {
            endpoint.Tick(now);
        }

        FuzzInvariantException.ThrowUnless(endpoint.PendingCount == 0, $"{endpoint.PendingCount} reliable frame(s) still pending after every attempt ran out");
        var sent = new FrameDecoder();
        var written = output.Written.ToArray();
        foreach (var b in written)
        {
            sent.Push(b);
        }

        FuzzInvariantException.ThrowUnless(sent.Dropped == 0, $"the endpoint wrote {sent.Dropped} frame(s) its own decoder drops");
    }

    /// <summary>The endpoint's serial output and listener: keeps the bytes written, accepts every message.</summary>
    private sealed class Recorder : ILinkOutput, ILinkListener
    {
        public MemoryStream Written { get; } = new();

        public void Write(byte[] buffer, int offset, int count) => Written.Write(buffer, offset, count);

        public void OnMessage(Message message) => _ = message.Type;

        public void OnDeliveryFailed(Message message) => _ = message.Type;
    }
}
