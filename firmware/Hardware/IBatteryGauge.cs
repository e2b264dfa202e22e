namespace EdgeAgent.Firmware.Hardware
{
    /// <summary>One battery gauge reading in the link's units (Link/BatteryReading.cs).</summary>
    internal struct BatterySample
    {
        public BatterySample(ushort millivolts, short milliamps, byte stateOfChargePercent, byte flags)
        {
            Millivolts = millivolts;
            Milliamps = milliamps;
            StateOfChargePercent = stateOfChargePercent;
            Flags = flags;
        }

        public ushort Millivolts { get; }

        public short Milliamps { get; }

        public byte StateOfChargePercent { get; }

        public byte Flags { get; }
    }

    internal interface IBatteryGauge
    {
        /// <summary>False when there is no valid reading; never a stale one.</summary>
        bool TryRead(out BatterySample sample);
    }
}
