using System.Device.Pwm;
using EdgeAgent.Firmware.Hardware;

namespace EdgeAgent.Firmware.Device
{
    /// <summary>An ERM motor through a low-side MOSFET, PWM at 20 kHz (above hearing).</summary>
    internal sealed class PwmHaptics : IHaptics
    {
        private readonly PwmChannel _channel;

        public PwmHaptics(int pin)
        {
            _channel = PwmChannel.CreateFromPin(pin, 20000, 0);
            _channel.Start();
        }

        public void Drive(byte intensity) => _channel.DutyCycle = intensity / 255.0;
    }
}
