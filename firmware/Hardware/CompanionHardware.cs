namespace EdgeAgent.Firmware.Hardware
{
    /// <summary>Everything the firmware touches, created by the composition root: Program.cs on the device
    /// (Device/), fakes in the host tests.</summary>
    internal sealed class CompanionHardware
    {
        public CompanionHardware(IClock clock, IPower power, IImu imu, IBatteryGauge battery, IButtons buttons, IHaptics haptics, ILeds leds, IUart uart)
        {
            Clock = clock;
            Power = power;
            Imu = imu;
            Battery = battery;
            Buttons = buttons;
            Haptics = haptics;
            Leds = leds;
            Uart = uart;
        }

        public IClock Clock { get; }

        public IPower Power { get; }

        public IImu Imu { get; }

        public IBatteryGauge Battery { get; }

        public IButtons Buttons { get; }

        public IHaptics Haptics { get; }

        public ILeds Leds { get; }

        public IUart Uart { get; }
    }
}
