using System.Device.Gpio;

namespace EdgeAgent.Hardware.Gpio;

/// <summary>Opening a pin for one use, with an error that names the use and the pin.</summary>
internal static class GpioPins
{
    public static void Open(GpioController controller, int pin, PinMode mode, string use, PinValue? initialValue)
    {
        try
        {
            if (!controller.IsPinModeSupported(pin, mode))
            {
                throw new IOException($"the {use} on GPIO {pin}: the GPIO chip does not support {mode} on this pin");
            }

            if (initialValue is { } value)
            {
                controller.OpenPin(pin, mode, value);
            }
            else
            {
                controller.OpenPin(pin, mode);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or UnauthorizedAccessException or NotSupportedException)
        {
            // The controller reports a pin that is already open, out of range or not accessible with these exceptions;
            // a pin that cannot be had is a bus fault to the caller (ISensor's contract), so IOException.
            throw new IOException($"the {use} on GPIO {pin} cannot be opened as {mode}: {e.Message} " +
                "(is the pin in use by another process or a device-tree overlay, and is it on this GPIO chip?)", e);
        }
    }
}
