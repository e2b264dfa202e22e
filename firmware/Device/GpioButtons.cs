using System.Device.Gpio;
using EdgeAgent.Firmware.Hardware;

namespace EdgeAgent.Firmware.Device
{
    /// <summary>Buttons to ground on pulled-up inputs: pressed reads low.</summary>
    internal sealed class GpioButtons : IButtons
    {
        private readonly GpioPin[] _pins;

        public GpioButtons(GpioController gpio, int[] pins)
        {
            _pins = new GpioPin[pins.Length];
            for (var i = 0; i < pins.Length; i++)
            {
                _pins[i] = gpio.OpenPin(pins[i], PinMode.InputPullUp);
            }
        }

        public int Count => _pins.Length;

        public bool IsPressed(int button) => _pins[button].Read() == PinValue.Low;
    }
}
