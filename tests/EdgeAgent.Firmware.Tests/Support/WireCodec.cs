using EdgeAgent.Firmware.Link;

namespace EdgeAgent.Firmware.Tests.Support;

/// <summary>Encodes and decodes whole streams with the firmware's own encoder and decoder.</summary>
internal static class WireCodec
{
    public static byte[] Encode(Message message, byte flags, byte sequence)
    {
        var wire = new byte[Frame.MaxWireLength];
        var length = new FrameEncoder().Encode(message, flags, sequence, wire, 0);
        return wire[..length];
    }

    public static List<Frame> Decode(FrameDecoder decoder, IEnumerable<byte> stream)
    {
        var frames = new List<Frame>();
        foreach (var b in stream)
        {
            if (decoder.Push(b) is { } frame)
            {
                frames.Add(frame);
            }
        }

        return frames;
    }
}
