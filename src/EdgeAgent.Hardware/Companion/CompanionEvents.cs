namespace EdgeAgent.Hardware.Companion;

/// <summary>A debounced button event from the companion. <see cref="CompanionUptime"/> is when it happened on the
/// companion's clock (an event held while the board slept arrives late); <see cref="ReceivedAt"/> is when it arrived.</summary>
public sealed record CompanionButtonEvent(int Button, bool LongPress, TimeSpan Held, TimeSpan CompanionUptime, DateTimeOffset ReceivedAt);

/// <summary>The haptic patterns the companion plays (firmware/PROTOCOL.md, HapticsCommand).</summary>
public enum CompanionHaptic
{
    Stop = 0,
    Tick = 1,
    DoubleTick = 2,
    /// <summary>The firmware's Long pattern: 400 ms.</summary>
    Sustained = 3,
    Alert = 4,
}

/// <summary>How a companion LED shows its colour.</summary>
public enum CompanionLedMode
{
    Off = 0,
    Solid = 1,
    Blink = 2,
    FastBlink = 3,
}

/// <summary>What the link counted: frames each way, resends, acknowledgements, drops.</summary>
public sealed record CompanionLinkStatistics(
    int Sent, int Resent, int Acknowledged, int GaveUp, int Received, int Duplicates, int FramesDropped,
    long StandbySecondsCredited, int CompanionRestarts, long BytesReceived, long BytesSent);
