using EdgeAgent.Firmware.Composition;
using EdgeAgent.Firmware.Link;

namespace EdgeAgent.Firmware.Tests.Support;

/// <summary>
/// The whole firmware (FirmwareComposition, as Program.cs builds it) on fake hardware, with the board's end of the
/// link as a real LinkEndpoint on the other side of the fake UART. Time moves only through the host's idle.
/// </summary>
internal sealed class CompanionRig : ILinkListener, ILinkOutput
{
    public CompanionRig(FirmwareSettings? settings = null)
    {
        Settings = settings ?? new FirmwareSettings();
        Firmware = new FirmwareComposition(Hardware.AsCompanionHardware(), Settings, firstSequence: 0x40);
        Board = new LinkEndpoint(this, this, Settings.Link, firstSequence: 0xC0);
    }

    public FakeHardware Hardware { get; } = new();

    public FirmwareSettings Settings { get; }

    public FirmwareComposition Firmware { get; }

    /// <summary>The board's end of the link.</summary>
    public LinkEndpoint Board { get; }

    public List<(long At, Message Message)> BoardReceived { get; } = [];

    public List<Message> BoardUndelivered { get; } = [];

    /// <summary>Frames from the companion the board's UART loses (whole writes of the companion).</summary>
    public Func<byte[], bool>? LoseToBoard { get; set; }

    /// <summary>Frames from the board the companion's UART loses.</summary>
    public Func<byte[], bool>? LoseToCompanion { get; set; }

    /// <summary>While false the board reads nothing (it is asleep): what the companion sends is lost.</summary>
    public bool BoardListening { get; set; } = true;

    public long Now => Hardware.UptimeMilliseconds;

    public IEnumerable<T> Received<T>() where T : Message => BoardReceived.Select(r => r.Message).OfType<T>();

    /// <summary>Runs the host loop (and the board's endpoint beside it) for <paramref name="milliseconds"/>.</summary>
    public void RunFor(long milliseconds)
    {
        var until = Now + milliseconds;
        while (Now < until)
        {
            Firmware.Host.RunOnce();
            var sent = Hardware.TakeOutbound();
            if (sent.Length > 0 && BoardListening && !(LoseToBoard?.Invoke(sent) ?? false))
            {
                Board.Receive(sent, 0, sent.Length, Now);
            }

            Board.Tick(Now);
        }
    }

    /// <summary>The board sends a command (reliably, as the agent does).</summary>
    public void BoardSends(Message message) => Assert.True(Board.Send(message, true, Now));

    public void OnMessage(Message message) => BoardReceived.Add((Now, message));

    public void OnDeliveryFailed(Message message) => BoardUndelivered.Add(message);

    public void Write(byte[] buffer, int offset, int count)
    {
        var frame = buffer.AsSpan(offset, count).ToArray();
        if (!(LoseToCompanion?.Invoke(frame) ?? false))
        {
            Hardware.Inject(frame, 0, frame.Length);
        }
    }
}
