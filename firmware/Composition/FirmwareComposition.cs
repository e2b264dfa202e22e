using EdgeAgent.Firmware.Board;
using EdgeAgent.Firmware.Buttons;
using EdgeAgent.Firmware.Counters;
using EdgeAgent.Firmware.Hardware;
using EdgeAgent.Firmware.Haptics;
using EdgeAgent.Firmware.Hosting;
using EdgeAgent.Firmware.Indicators;
using EdgeAgent.Firmware.Sampling;

namespace EdgeAgent.Firmware.Composition
{
    /// <summary>
    /// The firmware's services wired to the hardware, the same on the device (Program.cs, over Device/) and in the
    /// host tests (over fakes). Tick order: the link first (commands act within the tick they arrive), then the board's
    /// wake timer, inputs, outputs, and the counter last (it sees the tick's state).
    /// </summary>
    internal sealed class FirmwareComposition
    {
        public FirmwareComposition(CompanionHardware hardware, FirmwareSettings settings, byte firstSequence)
        {
            Board = new BoardState(hardware.Power);
            Clock = new CompanionClock();
            Haptics = new HapticsPlayer(hardware.Haptics);
            Leds = new LedIndicators(hardware.Leds);
            Link = new LinkService(hardware.Uart, Board, Haptics, Leds, Clock, settings, firstSequence);
            Buttons = new ButtonService(hardware.Buttons, Link, Board, settings);
            Imu = new ImuSampler(hardware.Imu, Link, Board, settings);
            Battery = new BatterySampler(hardware.Battery, Link, Board, settings);
            Counter = new WakeTimeCounter(Board, Link, settings);
            Host = new FirmwareHost(hardware.Clock, hardware.Power, settings.TickMilliseconds)
                .Add(Link)
                .Add(Board)
                .Add(Buttons)
                .Add(Imu)
                .Add(Battery)
                .Add(Haptics)
                .Add(Leds)
                .Add(Counter);
        }

        public FirmwareHost Host { get; }

        public BoardState Board { get; }

        public CompanionClock Clock { get; }

        public LinkService Link { get; }

        public ButtonService Buttons { get; }

        public ImuSampler Imu { get; }

        public BatterySampler Battery { get; }

        public HapticsPlayer Haptics { get; }

        public LedIndicators Leds { get; }

        public WakeTimeCounter Counter { get; }
    }
}
