namespace EdgeAgent.Firmware.Hardware
{
    /// <summary>The buttons' raw levels, bouncing and all (Buttons/ButtonDebouncer.cs cleans them up).</summary>
    internal interface IButtons
    {
        int Count { get; }

        bool IsPressed(int button);
    }
}
