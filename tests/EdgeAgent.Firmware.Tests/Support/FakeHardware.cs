using EdgeAgent.Firmware.Hardware;

namespace EdgeAgent.Firmware.Tests.Support;

/// <summary>The companion's hardware as hand-written fakes: a clock that only the idle moves, and parts that record.</summary>
internal sealed class FakeHardware : IClock, IPower, IImu, IBatteryGauge, IButtons, IHaptics, ILeds, IUart
{
    private readonly Queue<byte> _inbound = new();

    public long UptimeMilliseconds { get; set; }

    public int WakePulses { get; private set; }

    public List<long> WakePulsedAt { get; } = [];

    public ImuSample? Imu { get; set; } = new ImuSample(0, 0, 1000, 0, 0, 0);

    public Exception? ImuFault { get; set; }

    public BatterySample? Battery { get; set; } = new BatterySample(3950, -120, 80, 0);

    public bool[] Pressed { get; } = new bool[2];

    public List<(long At, byte Intensity)> Motor { get; } = [];

    public List<(long At, int Led, int Rgb)> Led { get; } = [];

    public List<byte> Outbound { get; } = [];

    int IButtons.Count => Pressed.Length;

    int ILeds.Count => 1;

    public CompanionHardware AsCompanionHardware() => new(this, this, this, this, this, this, this, this);

    /// <summary>Bytes the board sends to the companion.</summary>
    public void Inject(byte[] buffer, int offset, int count)
    {
        for (var i = offset; i < offset + count; i++)
        {
            _inbound.Enqueue(buffer[i]);
        }
    }

    public byte[] TakeOutbound()
    {
        var bytes = Outbound.ToArray();
        Outbound.Clear();
        return bytes;
    }

    public void Sleep(int milliseconds) => UptimeMilliseconds += milliseconds;

    public void WakeBoard()
    {
        WakePulses++;
        WakePulsedAt.Add(UptimeMilliseconds);
    }

    public bool TryRead(out ImuSample sample)
    {
        if (ImuFault is { } fault)
        {
            throw fault;
        }

        sample = Imu ?? default;
        return Imu.HasValue;
    }

    public bool TryRead(out BatterySample sample)
    {
        sample = Battery ?? default;
        return Battery.HasValue;
    }

    public bool IsPressed(int button) => Pressed[button];

    public void Drive(byte intensity) => Motor.Add((UptimeMilliseconds, intensity));

    public void Set(int led, byte red, byte green, byte blue) => Led.Add((UptimeMilliseconds, led, (red << 16) | (green << 8) | blue));

    public int Read(byte[] buffer, int offset, int count)
    {
        var n = 0;
        while (n < count && _inbound.Count > 0)
        {
            buffer[offset + n] = _inbound.Dequeue();
            n++;
        }

        return n;
    }

    public void Write(byte[] buffer, int offset, int count) => Outbound.AddRange(buffer.AsSpan(offset, count).ToArray());
}
