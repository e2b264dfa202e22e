using System.Collections.Concurrent;
using EdgeAgent.Firmware.Composition;
using EdgeAgent.Firmware.Hardware;

namespace EdgeAgent.Hardware.Simulation;

/// <summary>
/// The companion microcontroller, simulated by running its real firmware (firmware/, linked: the same services, the
/// same link code) on simulated parts, over a byte stream to the board (a pseudo-terminal, an in-memory duplex).
/// Its clock is the injected <see cref="TimeProvider"/>; <see cref="Step"/> runs one tick of the firmware's host
/// loop (the firmware's own idle is the caller's to take: advance the time between steps). Received bytes are read
/// from the stream by a background loop and handed to the firmware's UART at its next tick.
/// </summary>
public sealed class SimulatedCompanion : IAsyncDisposable
{
    private readonly Parts _parts;
    private readonly FirmwareComposition _firmware;
    private readonly Stream _stream;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reader;
    private readonly SemaphoreSlim _received = new(0);
    private long _bytesReceived;

    public SimulatedCompanion(Stream stream, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(time);
        _stream = stream;
        _parts = new Parts(stream, time);
        _firmware = new FirmwareComposition(_parts.AsHardware(), new FirmwareSettings(), firstSequence: 0x40);
        _reader = Task.Run(ReadAsync);
    }

    /// <summary>The firmware's host tick: step every this much time.</summary>
    public TimeSpan TickInterval => TimeSpan.FromMilliseconds(_firmware.Host.TickMilliseconds);

    /// <summary>Times the firmware pulsed the board's wake line.</summary>
    public int WakePulses => _parts.WakePulses;

    public byte MotorIntensity => _parts.Motor;

    /// <summary>The colour LED 0 shows, 0xRRGGBB.</summary>
    public int LedColour => _parts.Led;

    public bool BoardAwake => _firmware.Board.IsAwake;

    /// <summary>Bytes read from the board so far (handed to the firmware's UART at its next tick).</summary>
    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    /// <summary>Bytes written to the board so far (lost ones not counted).</summary>
    public long BytesSent => _parts.BytesSent;

    /// <summary>Frames written to the board that <see cref="LoseToBoard"/> dropped.</summary>
    public int LostToBoard => _parts.Lost;

    /// <summary>When set, writes to the board for which it returns true are lost (a noisy or unplugged line).</summary>
    public Func<byte[], bool>? LoseToBoard
    {
        get => _parts.Lose;
        set => _parts.Lose = value;
    }

    /// <summary>Acceleration in milli-g (1000 on Z lying flat), angular rate in tenths of a degree per second.</summary>
    public void SetMotion(short accelX, short accelY, short accelZ, short gyroX = 0, short gyroY = 0, short gyroZ = 0) =>
        _parts.Imu = new ImuSample(accelX, accelY, accelZ, gyroX, gyroY, gyroZ);

    public void SetBattery(ushort millivolts, byte stateOfChargePercent) =>
        _parts.Battery = new BatterySample(millivolts, 0, stateOfChargePercent, 0);

    public void SetButton(int button, bool pressed) => _parts.Pressed[button] = pressed;

    /// <summary>One tick of the firmware's host loop at the injected clock's time.</summary>
    public void Step() => _firmware.Host.RunOnce();

    /// <summary>Waits until <see cref="BytesReceived"/> reaches <paramref name="bytes"/>; false after <paramref name="timeout"/>
    /// of real time (a bound, never a measurement).</summary>
    public async Task<bool> WaitForReceivedAsync(long bytes, TimeSpan timeout)
    {
        using var bound = new CancellationTokenSource(timeout);
        while (BytesReceived < bytes)
        {
            try
            {
                await _received.WaitAsync(bound.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return BytesReceived >= bytes;
            }
        }

        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _reader.WaitAsync(TimeSpan.FromSeconds(5), TimeProvider.System).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException or IOException)
        {
            // stopping; a blocked read ends when the stream's owner closes it
        }

        _stop.Dispose();
        _received.Dispose();
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[256];
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var count = await _stream.ReadAsync(buffer, _stop.Token).ConfigureAwait(false);
                if (count == 0)
                {
                    return;
                }

                for (var i = 0; i < count; i++)
                {
                    _parts.Inbound.Enqueue(buffer[i]);
                }

                Interlocked.Add(ref _bytesReceived, count);
                _received.Release();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // stopped, or the stream's owner closed it
        }
    }

    /// <summary>The simulated parts: settable inputs, recorded outputs, the UART over the stream.</summary>
    private sealed class Parts(Stream stream, TimeProvider time) : IClock, IPower, IImu, IBatteryGauge, IButtons, IHaptics, ILeds, IUart
    {
        private readonly long _start = time.GetTimestamp();

        public ConcurrentQueue<byte> Inbound { get; } = new();

        public ImuSample? Imu { get; set; } = new ImuSample(0, 0, 1000, 0, 0, 0);

        public BatterySample? Battery { get; set; } = new BatterySample(3900, 0, 75, 0);

        public bool[] Pressed { get; } = new bool[2];

        public int WakePulses { get; private set; }

        public byte Motor { get; private set; }

        public int Led { get; private set; }

        public int Lost { get; private set; }

        public long BytesSent { get; private set; }

        public Func<byte[], bool>? Lose { get; set; }

        public long UptimeMilliseconds => (long)time.GetElapsedTime(_start).TotalMilliseconds;

        int IButtons.Count => Pressed.Length;

        int ILeds.Count => 1;

        public CompanionHardware AsHardware() => new(this, this, this, this, this, this, this, this);

        public void Sleep(int milliseconds)
        {
            // The simulation's idle is the caller advancing the TimeProvider between steps.
        }

        public void WakeBoard() => WakePulses++;

        public bool TryRead(out ImuSample sample)
        {
            sample = Imu ?? default;
            return Imu.HasValue;
        }

        public bool TryRead(out BatterySample sample)
        {
            sample = Battery ?? default;
            return Battery.HasValue;
        }

        public bool IsPressed(int button) => Pressed[button];

        public void Drive(byte intensity) => Motor = intensity;

        public void Set(int led, byte red, byte green, byte blue) => Led = (red << 16) | (green << 8) | blue;

        public int Read(byte[] buffer, int offset, int count)
        {
            var n = 0;
            while (n < count && Inbound.TryDequeue(out var b))
            {
                buffer[offset + n] = b;
                n++;
            }

            return n;
        }

        public void Write(byte[] buffer, int offset, int count)
        {
            var frame = buffer.AsSpan(offset, count).ToArray();
            if (Lose?.Invoke(frame) == true)
            {
                Lost++;
                return;
            }

            stream.Write(frame);
            stream.Flush();
            BytesSent += frame.Length;
        }
    }
}
