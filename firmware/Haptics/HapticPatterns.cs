using EdgeAgent.Firmware.Link;

namespace EdgeAgent.Firmware.Haptics
{
    /// <summary>The patterns' timings (PROTOCOL.md, HapticsCommand): milliseconds, alternately on and off, on first.</summary>
    internal static class HapticPatterns
    {
        /// <summary>The pause between repeats of a pattern.</summary>
        public const int RepeatGapMilliseconds = 200;

        /// <summary>The steps of <paramref name="pattern"/>, or null for Stop and unknown patterns.</summary>
        public static int[]? Steps(HapticPattern pattern)
        {
            switch (pattern)
            {
                case HapticPattern.Tick: return new[] { 30 };
                case HapticPattern.DoubleTick: return new[] { 30, 80, 30 };
                case HapticPattern.Long: return new[] { 400 };
                case HapticPattern.Alert: return new[] { 150, 100, 150, 100, 150 };
                default: return null;
            }
        }
    }
}
