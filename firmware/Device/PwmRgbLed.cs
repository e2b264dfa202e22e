using System.Device.Pwm;
using EdgeAgent.Firmware.Hardware;

namespace EdgeAgent.Firmware.Device
{
    /// <summary>One common-cathode RGB LED on three PWM channels (LED 0; the board addresses it so).</summary>
    internal sealed class PwmRgbLed : ILeds
    {
        private readonly PwmChannel _red;
        private readonly PwmChannel _green;
        private readonly PwmChannel _blue;

        public PwmRgbLed(int red, int green, int blue)
        {
            _red = Open(red);
            _green = Open(green);
            _blue = Open(blue);
        }

        public int Count => 1;

        public void Set(int led, byte red, byte green, byte blue)
        {
            _red.DutyCycle = red / 255.0;
            _green.DutyCycle = green / 255.0;
            _blue.DutyCycle = blue / 255.0;
        }

        private static PwmChannel Open(int pin)
        {
            var channel = PwmChannel.CreateFromPin(pin, 1000, 0);
            channel.Start();
            return channel;
        }
    }
}
