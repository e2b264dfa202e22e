using System.Threading.Channels;
using EdgeAgent.Core.Usage;
using EdgeAgent.Firmware.Link;
using EdgeAgent.Hardware.Sensors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using UnitsNet;
using FirmwareBattery = EdgeAgent.Firmware.Link.BatteryReading;
using SensorBattery = EdgeAgent.Hardware.Sensors.BatteryReading;

namespace EdgeAgent.Hardware.Companion;

/// <summary>
/// The board's end of the link to the companion microcontroller (firmware/PROTOCOL.md), over its UART: the composition
/// root opens <c>System.IO.Ports.SerialPort</c> (<see cref="CompanionPort.Open"/>) and passes its <c>BaseStream</c>; tests
/// pass a pseudo-terminal or an in-memory duplex. The protocol is the firmware's own code (firmware/Link/, linked),
/// so both ends cannot disagree. A read loop, owned here until <see cref="DisposeAsync"/>, hands frames to the link
/// endpoint; a timer on the injected <see cref="TimeProvider"/> lets it resend what was not acknowledged.
/// <list type="bullet">
/// <item>Readings become sources: <see cref="Imu"/> and <see cref="Battery"/> are sensors with the latest reading,
/// false when none arrived within their staleness limit (never a stale one).</item>
/// <item>Counters become usage seconds: at start the link says the board is awake, and the companion's answering report
/// is the baseline; the standby seconds between two reports (the board slept, this process was
/// frozen and its clock did not run) are credited to the <see cref="UsageAccountant"/> as idle time.</item>
/// <item>Button events come out of <see cref="ButtonEvents"/>, for the runtime to turn into records.</item>
/// <item>Commands go the other way, reliably: haptics, LED, sleep/wake, time sync.</item>
/// </list>
/// </summary>
public sealed class CompanionLink : IAsyncDisposable, ILinkListener, ILinkOutput
{
    /// <summary>The companion sends 10 IMU readings a second; one older than this means it went quiet.</summary>
    public static readonly TimeSpan ImuStaleAfter = TimeSpan.FromSeconds(1);

    /// <summary>Battery readings come every 10 s.</summary>
    public static readonly TimeSpan BatteryStaleAfter = TimeSpan.FromSeconds(30);

    /// <summary>How often the endpoint is ticked for resends (the ack timeout is 200 ms).</summary>
    public static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(50);

    private readonly Stream _stream;
    private readonly TimeProvider _time;
    private readonly UsageAccountant? _usage;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly LinkEndpoint _endpoint;
    private readonly long _start;
    private readonly ITimer _ticker;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<CompanionButtonEvent> _buttons = Channel.CreateBounded<CompanionButtonEvent>(
        new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private readonly LatestReading<MotionReading> _imu;
    private readonly LatestReading<SensorBattery> _battery;
    // Completed (and replaced) after every chunk of frames handled and every command given up: wakes every waiter of WaitUntilAsync at once (the
    // sleep watcher's SleepingAsync may wait while a test or the simulated board waits too).
    private TaskCompletionSource _handled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _loop;
    private CountersReport? _lastCounters;
    private Message? _lastUndelivered;
    private long _standbyCredited;
    private int _restarts;
    private int _disposed;
    private long _bytesIn;
    private long _bytesOut;

    /// <param name="stream">The UART's byte stream; not disposed here (its owner closes the port).</param>
    /// <param name="time">Staleness, resend timeouts and arrival times are measured on it.</param>
    /// <param name="usage">Where standby seconds are credited; null to only count them.</param>
    public CompanionLink(Stream stream, TimeProvider time, UsageAccountant? usage = null, ILogger<CompanionLink>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(time);
        _stream = stream;
        _time = time;
        _usage = usage;
        _logger = logger ?? NullLogger<CompanionLink>.Instance;
        _start = time.GetTimestamp();
        _endpoint = new LinkEndpoint(this, this, LinkSettings.Default, (byte)Random.Shared.Next(256));
        _imu = new LatestReading<MotionReading>("companion.imu", time, ImuStaleAfter);
        _battery = new LatestReading<SensorBattery>("companion.battery", time, BatteryStaleAfter);
        _ticker = time.CreateTimer(_ => Tick(), null, TickInterval, TickInterval);
        _loop = Task.Run(ReadLoopAsync);

        // The board is awake (this agent runs): the companion answers with its counters, the baseline for the next ones.
        Awake();
    }

    /// <summary>The companion's always-on IMU as a source.</summary>
    public ISensor<MotionReading> Imu => _imu;

    /// <summary>The companion's battery gauge as a source (cell voltage and state of charge; no charge rate).</summary>
    public ISensor<SensorBattery> Battery => _battery;

    public ChannelReader<CompanionButtonEvent> ButtonEvents => _buttons.Reader;

    /// <summary>Completes when the read loop ends (the stream ended or failed, or this link was disposed).</summary>
    public Task Completion => _loop;

    public CompanionLinkStatistics Statistics
    {
        get
        {
            lock (_gate)
            {
                var s = _endpoint.Statistics;
                return new CompanionLinkStatistics(s.Sent, s.Resent, s.Acknowledged, s.GaveUp, s.Received, s.Duplicates,
                    _endpoint.Decoder.Dropped, _standbyCredited, _restarts, _bytesIn, _bytesOut);
            }
        }
    }

    /// <summary>Reliable commands sent and not yet acknowledged.</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _endpoint.PendingCount;
            }
        }
    }

    /// <summary>Plays a haptic pattern; false when 8 commands already await acknowledgement.</summary>
    public bool Haptics(CompanionHaptic pattern, byte intensity, byte repeat = 1) =>
        Send(new HapticsCommand((HapticPattern)pattern, intensity, repeat));

    public bool Led(int led, CompanionLedMode mode, byte red, byte green, byte blue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(led);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(led, byte.MaxValue);
        return Send(new LedCommand((byte)led, (LedMode)mode, red, green, blue));
    }

    /// <summary>Tells the companion the board is about to suspend; it wakes the board after <paramref name="wakeAfter"/>
    /// (null: only on a button or motion).</summary>
    public bool Sleeping(TimeSpan? wakeAfter = null) => Send(SleepCommand(wakeAfter));

    /// <summary>
    /// Tells the companion the board is about to suspend, as <see cref="Sleeping"/>, and waits at most
    /// <paramref name="bound"/> (real time) for its acknowledgement, so the suspend is let proceed only once the
    /// companion counts standby (or the bound ran out). True when the companion acknowledged the command; false when it
    /// refused it, the link gave up on it, the bound ran out or 8 commands already awaited acknowledgement.
    /// </summary>
    public async Task<bool> SleepingAsync(TimeSpan? wakeAfter, TimeSpan bound, CancellationToken cancellationToken = default)
    {
        var command = SleepCommand(wakeAfter);
        if (!Send(command))
        {
            return false;
        }

        bool Settled()
        {
            lock (_gate)
            {
                return !_endpoint.IsPending(command);
            }
        }

        return await WaitUntilAsync(Settled, bound, cancellationToken).ConfigureAwait(false) && !ReferenceEquals(Volatile.Read(ref _lastUndelivered), command);
    }

    private static PowerCommand SleepCommand(TimeSpan? wakeAfter) =>
        new(PowerAction.BoardSleeping, wakeAfter is { } w ? (uint)Math.Ceiling(w.TotalSeconds) : 0);

    /// <summary>Tells the companion the board is awake: it sends what it held and its counters.</summary>
    public bool Awake() => Send(new PowerCommand(PowerAction.BoardAwake, 0));

    /// <summary>Gives the companion the wall-clock time (from the injected clock).</summary>
    public bool SyncTime() => Send(new TimeSync(_time.GetUtcNow().ToUnixTimeMilliseconds()));

    /// <summary>Waits until <paramref name="condition"/> holds, re-checking after every frame handled and every command given up; false after
    /// <paramref name="timeout"/> of real time (a bound for tests and start-up checks, never a measurement).</summary>
    public async Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(timeout);
        while (true)
        {
            var handled = Volatile.Read(ref _handled).Task; // taken before the check, so a frame in between is not missed
            if (condition())
            {
                return true;
            }

            try
            {
                await handled.WaitAsync(bound.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return condition();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _ticker.DisposeAsync().ConfigureAwait(false);
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            // A serial stream may not see the cancellation until its port closes; the port's owner closes it after this.
            await _loop.WaitAsync(TimeSpan.FromSeconds(5), TimeProvider.System).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
        catch (TimeoutException)
        {
            // the read is still blocked on the port; it ends when the port closes
        }

        _buttons.Writer.TryComplete();
        _stop.Dispose();
    }

    void ILinkListener.OnMessage(Message message)
    {
        var now = _time.GetUtcNow();
        switch (message)
        {
            case ImuReading imu:
                _imu.Set(new MotionReading(
                    Acceleration.FromStandardGravity(imu.AccelX / 1000.0),
                    Acceleration.FromStandardGravity(imu.AccelY / 1000.0),
                    Acceleration.FromStandardGravity(imu.AccelZ / 1000.0),
                    RotationalSpeed.FromDegreesPerSecond(imu.GyroX / 10.0),
                    RotationalSpeed.FromDegreesPerSecond(imu.GyroY / 10.0),
                    RotationalSpeed.FromDegreesPerSecond(imu.GyroZ / 10.0),
                    null));
                break;
            case FirmwareBattery battery:
                _battery.Set(new SensorBattery(
                    ElectricPotential.FromMillivolts(battery.Millivolts),
                    battery.StateOfChargePercent <= 100 ? Ratio.FromPercent(battery.StateOfChargePercent) : Ratio.Zero,
                    null));
                break;
            case ButtonEvent button:
                _buttons.Writer.TryWrite(new CompanionButtonEvent(button.Button, button.Action == ButtonAction.LongPress,
                    TimeSpan.FromMilliseconds(button.HeldMilliseconds), TimeSpan.FromMilliseconds(button.UptimeMilliseconds), now));
                break;
            case CountersReport counters:
                Counted(counters);
                break;
        }
    }

    void ILinkListener.OnDeliveryFailed(Message message)
    {
        Volatile.Write(ref _lastUndelivered, message);
        Log.Undelivered(_logger, message.Type.ToString());
        Changed(); // a waiter on this command's acknowledgement stops waiting (no frame may come: a sleeping companion is quiet)
    }

    /// <summary>Wakes every <see cref="WaitUntilAsync"/> to re-check its condition.</summary>
    private void Changed() =>
        Interlocked.Exchange(ref _handled, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    void ILinkOutput.Write(byte[] buffer, int offset, int count)
    {
        _stream.Write(buffer, offset, count);
        _stream.Flush();
        _bytesOut += count;
    }

    // Standby seconds since the last report are time this process did not see (the board slept): credited as idle.
    // Operating seconds are not: the accountant counted them itself while the board was awake.
    private void Counted(CountersReport report)
    {
        uint standby;
        if (_lastCounters is null)
        {
            standby = 0; // the first report is the baseline: what came before this agent ran is not its time
        }
        else if (report.StandbySeconds < _lastCounters.StandbySeconds || report.WakeSeconds < _lastCounters.WakeSeconds)
        {
            _restarts++;
            standby = report.StandbySeconds;
            Log.CompanionRestarted(_logger, standby);
        }
        else
        {
            standby = report.StandbySeconds - _lastCounters.StandbySeconds;
        }

        _lastCounters = report;
        if (standby > 0)
        {
            _standbyCredited += standby;
            _usage?.Credit(UsageMode.Idle, TimeSpan.FromSeconds(standby));
            Log.StandbyCredited(_logger, standby);
        }
    }

    private bool Send(Message message)
    {
        lock (_gate)
        {
            return _endpoint.Send(message, true, NowMilliseconds());
        }
    }

    private void Tick()
    {
        lock (_gate)
        {
            if (_disposed == 0)
            {
                _endpoint.Tick(NowMilliseconds());
            }
        }
    }

    private long NowMilliseconds() => (long)_time.GetElapsedTime(_start).TotalMilliseconds;

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[256];
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var count = await _stream.ReadAsync(buffer, _stop.Token).ConfigureAwait(false);
                if (count == 0)
                {
                    return; // the stream ended
                }

                lock (_gate)
                {
                    _bytesIn += count;
                    _endpoint.Receive(buffer, 0, count, NowMilliseconds());
                }

                Changed();
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // disposed
        }
        catch (ObjectDisposedException)
        {
            // the stream's owner closed the port: the link has ended, as at the end of the stream
        }
        catch (IOException e)
        {
            Log.StreamFailed(_logger, e);
        }
        finally
        {
            _imu.End();
            _battery.End();
        }
    }

    /// <summary>The latest reading of one kind with its arrival time, as a sensor: false when older than the limit or
    /// after the link ended.</summary>
    private sealed class LatestReading<T>(string name, TimeProvider time, TimeSpan staleAfter) : ISensor<T>
        where T : struct
    {
        private readonly Lock _gate = new();
        private T _value;
        private long _at;
        private bool _has;

        public string Name => name;

        public void Set(T value)
        {
            lock (_gate)
            {
                (_value, _at, _has) = (value, time.GetTimestamp(), true);
            }
        }

        public void End()
        {
            lock (_gate)
            {
                _has = false;
            }
        }

        public bool TryRead(out T reading)
        {
            lock (_gate)
            {
                if (_has && time.GetElapsedTime(_at) <= staleAfter)
                {
                    reading = _value;
                    return true;
                }
            }

            reading = default;
            return false;
        }

        public void Dispose()
        {
        }
    }
}
