using System.Device.Gpio;
using System.Device.I2c;
using EdgeAgent.Firmware.Hardware;
using nanoFramework.Hardware.Esp32;

namespace EdgeAgent.Firmware.Device
{
    /// <summary>Creates the buses and the device implementations: the only place that touches pins.</summary>
    internal static class DeviceHardware
    {
        public static DevicePins DefaultPins() => new DevicePins();

        public static CompanionHardware Create(DevicePins pins)
        {
            Configuration.SetPinFunction(pins.UartTx, DeviceFunction.COM2_TX);
            Configuration.SetPinFunction(pins.UartRx, DeviceFunction.COM2_RX);
            Configuration.SetPinFunction(pins.I2cData, DeviceFunction.I2C1_DATA);
            Configuration.SetPinFunction(pins.I2cClock, DeviceFunction.I2C1_CLOCK);
            Configuration.SetPinFunction(pins.Haptics, DeviceFunction.PWM1);
            Configuration.SetPinFunction(pins.LedRed, DeviceFunction.PWM2);
            Configuration.SetPinFunction(pins.LedGreen, DeviceFunction.PWM3);
            Configuration.SetPinFunction(pins.LedBlue, DeviceFunction.PWM4);

            var gpio = new GpioController();
            var imu = I2cDevice.Create(new I2cConnectionSettings(pins.I2cBus, Mpu6050Imu.Address, I2cBusSpeed.FastMode));
            var gauge = I2cDevice.Create(new I2cConnectionSettings(pins.I2cBus, Max17048Gauge.Address, I2cBusSpeed.FastMode));
            return new CompanionHardware(
                new StopwatchClock(),
                new Esp32Power(gpio.OpenPin(pins.BoardWake, PinMode.Output)),
                new Mpu6050Imu(imu),
                new Max17048Gauge(gauge),
                new GpioButtons(gpio, pins.Buttons),
                new PwmHaptics(pins.Haptics),
                new PwmRgbLed(pins.LedRed, pins.LedGreen, pins.LedBlue),
                new SerialUart(pins.UartPort));
        }
    }
}
