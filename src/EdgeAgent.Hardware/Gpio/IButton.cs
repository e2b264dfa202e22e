namespace EdgeAgent.Hardware.Gpio;

/// <summary>A push button, polled. Long presses and debouncing are timed by the caller.</summary>
public interface IButton
{
    bool IsPressed();
}
