using System.Device.Gpio;
using System.Threading;
using EdgeAgent.Firmware.Hardware;

namespace EdgeAgent.Firmware.Device
{
    /// <summary>Idles by Thread.Sleep (nanoFramework's scheduler lets the ESP32 light-sleep while every thread waits)
    /// and wakes the board with a 50 ms high pulse on its power controller's wake input.</summary>
    internal sealed class Esp32Power : IPower
    {
        private const int WakePulseMilliseconds = 50;
        private readonly GpioPin _wake;

        public Esp32Power(GpioPin wake)
        {
            _wake = wake;
            _wake.Write(PinValue.Low);
        }

        public void Sleep(int milliseconds) => Thread.Sleep(milliseconds);

        public void WakeBoard()
        {
            _wake.Write(PinValue.High);
            Thread.Sleep(WakePulseMilliseconds);
            _wake.Write(PinValue.Low);
        }
    }
}
