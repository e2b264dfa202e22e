using EdgeAgent.Firmware.Hardware;

namespace EdgeAgent.Firmware.Hosting
{
    /// <summary>
    /// The firmware's Generic Host, cut to a microcontroller: services are added at the composition root, started
    /// once, then ticked in order every <see cref="TickMilliseconds"/> by one loop that idles the companion between
    /// ticks. A service that throws is counted and ticked again next time: one faulty sensor does not stop the loop.
    /// </summary>
    internal sealed class FirmwareHost
    {
        private readonly IClock _clock;
        private readonly IPower _power;
        private const int MaxServices = 16;

        private readonly IFirmwareService[] _services = new IFirmwareService[MaxServices];
        private int _count;
        private bool _started;

        public FirmwareHost(IClock clock, IPower power, int tickMilliseconds)
        {
            _clock = clock;
            _power = power;
            TickMilliseconds = tickMilliseconds;
        }

        public int TickMilliseconds { get; }

        /// <summary>Exceptions thrown by services' Start and Tick, caught by the loop.</summary>
        public int Faults { get; private set; }

        /// <summary>The type of the service that last threw, for the device's debug output.</summary>
        public string LastFault { get; private set; } = "";

        public int ServiceCount => _count;

        public FirmwareHost Add(IFirmwareService service)
        {
            if (_started)
            {
                throw new System.InvalidOperationException("Services are added before the host starts.");
            }

            if (_count == _services.Length)
            {
                throw new System.InvalidOperationException("The host runs at most 16 services.");
            }

            _services[_count] = service;
            _count++;
            return this;
        }

        public void Start()
        {
            var now = _clock.UptimeMilliseconds;
            for (var i = 0; i < _count; i++)
            {
                var service = _services[i];
                try
                {
                    service.Start(now);
                }
                catch (System.Exception)
                {
                    Fault(service);
                }
            }

            _started = true;
        }

        /// <summary>One tick of every service, then one idle of <see cref="TickMilliseconds"/>.</summary>
        public void RunOnce()
        {
            if (!_started)
            {
                Start();
            }

            var now = _clock.UptimeMilliseconds;
            for (var i = 0; i < _count; i++)
            {
                var service = _services[i];
                try
                {
                    service.Tick(now);
                }
                catch (System.Exception)
                {
                    Fault(service);
                }
            }

            _power.Sleep(TickMilliseconds);
        }

        /// <summary>The device's main loop: never returns.</summary>
        public void Run()
        {
            while (true)
            {
                RunOnce();
            }
        }

        private void Fault(IFirmwareService service)
        {
            Faults++;
            LastFault = service.GetType().Name;
        }
    }
}
