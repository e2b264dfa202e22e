namespace EdgeAgent.Firmware.Device
{
    /// <summary>The companion's wiring (ESP32-S3 reference board, hardware/ wiring notes). Change these for another board.</summary>
    internal sealed class DevicePins
    {
        public int UartTx { get; set; } = 17;
        public int UartRx { get; set; } = 18;
        public string UartPort { get; set; } = "COM2";
        public int I2cData { get; set; } = 8;
        public int I2cClock { get; set; } = 9;
        public int I2cBus { get; set; } = 1;
        public int BoardWake { get; set; } = 4;
        public int Haptics { get; set; } = 5;
        public int LedRed { get; set; } = 10;
        public int LedGreen { get; set; } = 11;
        public int LedBlue { get; set; } = 12;
        public int[] Buttons { get; set; } = new[] { 0, 14 };
    }
}
