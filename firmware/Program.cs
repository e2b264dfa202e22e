// The firmware's composition root, device only (not in the conformance build or the host tests: it creates the
// Device/ implementations over nanoFramework's GPIO, I2C, PWM and serial packages).
using System.Diagnostics;
using EdgeAgent.Firmware.Composition;
using EdgeAgent.Firmware.Device;

namespace EdgeAgent.Firmware
{
    public static class Program
    {
        public static void Main()
        {
            var hardware = DeviceHardware.Create(DeviceHardware.DefaultPins());
            var settings = new FirmwareSettings();

            // A random first sequence number, so a restarted companion rarely reuses one the board saw moments ago.
            var firstSequence = (byte)new System.Random().Next(256);
            var firmware = new FirmwareComposition(hardware, settings, firstSequence);
            Debug.WriteLine("edgeagent companion: " + firmware.Host.ServiceCount.ToString() + " services, link version 1");
            firmware.Host.Run();
        }
    }
}
