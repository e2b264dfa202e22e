using System.Security.Cryptography;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Core.Identity;
using EdgeAgent.Core.Ledger;
using EdgeAgent.Core.Outbox;
using EdgeAgent.Core.Time;
using EdgeAgent.Mqtt;
using EdgeAgent.Sim.Outbox;
using EdgeAgent.Sim.Records;
using EdgeAgent.Sim.Report;
using EdgeAgent.Sim.Time;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Sim.Fleet;

/// <summary>How one virtual device is built: who it is, its clock, its outbox.</summary>
internal sealed record DeviceSetup(string Serial, ProductMix Product, ECDsa Key, bool NoRtc, double DriftPpm, IOutbox Outbox, int Seed);

/// <summary>
/// One simulated device: the real <see cref="DeviceLedger"/> (signing, hash chain, boot counter, mono and wall time)
/// over its own outbox, and the real <see cref="OutboxPublisher"/> (its own MQTT connection, hub acknowledgements,
/// clock sync on every connect). A start writes what the agent's start writes (power.state on, device.activated once);
/// a clean stop writes power.state off. Lifecycle changes (fault injection) and appends are serialised by one lock.
/// </summary>
internal sealed class VirtualDevice : IAsyncDisposable
{
    private readonly DeviceSetup _setup;
    private readonly MqttOptions _mqtt;
    private readonly FleetCounters _counters;
    private readonly ILoggerFactory _loggers;
    private readonly TimeProvider _system;
    private readonly TimeProvider _clockTime;
    private readonly DeviceIdentity _identity;
    private readonly LedgerDigests _digests;
    private readonly AppendSignal _signal = new();
    private readonly SemaphoreSlim _life = new(1, 1);
    private readonly ProductMix.Generator _mix;
    private DeviceLedger? _ledger;
    private OutboxPublisher? _publisher;
    private bool _uncleanNext;

    public VirtualDevice(DeviceSetup setup, MqttOptions mqtt, FleetCounters counters, ILoggerFactory loggers, TimeProvider system)
    {
        _setup = setup;
        _mqtt = mqtt;
        _counters = counters;
        _loggers = loggers;
        _system = system;
        _clockTime = setup.DriftPpm == 0 ? system : new DriftingTimeProvider(system, setup.DriftPpm);
        Outbox = new ObservedOutbox(setup.Outbox, counters, system);
        _identity = new DeviceIdentity { DeviceId = setup.Serial, ProductId = setup.Product.Product, KeyId = Checkpoint.KeyIdOf(setup.Key), ProvisionedMs = 0, Consent = true };
        _digests = new LedgerDigests(
            LedgerDigests.OfConfig("edgesim model set " + setup.Product.Model),
            LedgerDigests.OfConfig("edgesim agent " + typeof(VirtualDevice).Assembly.GetName().Version),
            LedgerDigests.OfConfig("edgesim config " + setup.Product.Product));
        _mix = setup.Product.NewGenerator(setup.Seed);
    }

    public string Serial => _setup.Serial;

    public string Product => _setup.Product.Product;

    public ObservedOutbox Outbox { get; }

    public bool Connected => _publisher?.Status.Connected ?? false;

    /// <summary>The running publisher's status, else the last one's at its stop; null before the first start.</summary>
    public PublisherStatus? Publisher => _publisher?.Status ?? _lastStatus;

    /// <summary>Batches published (resends included), over every start of the publisher.</summary>
    public long BatchesSent => _earlier.BatchesSent + (_publisher?.Status.BatchesSent ?? 0);

    /// <summary>Batches the broker refused as over quota (the hub's queue was full), over every start of the publisher.</summary>
    public long BatchesRefused => _earlier.BatchesRefused + (_publisher?.Status.BatchesRefused ?? 0);

    private (long BatchesSent, long BatchesRefused) _earlier;
    private PublisherStatus? _lastStatus;

    /// <summary>The current boot (0 before the first start).</summary>
    public long Boot => _ledger?.Boot ?? 0;

    /// <summary>Opens the ledger (counting a boot), writes the start records and connects.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _life.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await BootAsync(cancellationToken).ConfigureAwait(false);
            await StartPublisherAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _life.Release();
        }
    }

    /// <summary>Appends the product's next record.</summary>
    public async Task MakeRecordAsync(CancellationToken cancellationToken)
    {
        await _life.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_ledger is not { } ledger)
            {
                return;
            }

            var record = _mix.Next(ledger.MonoMs);
            await ledger.AppendAsync(record.Type, record.Data, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException)
        {
            _counters.AppendFailed();
        }
        finally
        {
            _life.Release();
        }
    }

    /// <summary>The connection drops for <paramref name="down"/>; records go on being made and are sent after the reconnect.</summary>
    public async Task DisconnectAsync(TimeSpan down, CancellationToken cancellationToken)
    {
        await _life.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await StopPublisherAsync().ConfigureAwait(false);
        }
        finally
        {
            _life.Release();
        }

        await Task.Delay(down, _system, cancellationToken).ConfigureAwait(false);
        await _life.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_publisher is null && _ledger is not null)
            {
                await StartPublisherAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _life.Release();
        }
    }

    /// <summary>A reset (power loss): no power.state off; a new boot with a fresh monotonic clock, on the same outbox.</summary>
    public async Task ResetAsync(CancellationToken cancellationToken)
    {
        await _life.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await StopPublisherAsync().ConfigureAwait(false);
            _ledger?.Dispose();
            _ledger = null;
            _uncleanNext = true;
            await BootAsync(cancellationToken).ConfigureAwait(false);
            await StartPublisherAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _life.Release();
        }
    }

    /// <summary>The acknowledgement checkpoint goes back over up to <paramref name="records"/> records and the session restarts; returns how many.</summary>
    public async Task<int> DuplicateAsync(int records, CancellationToken cancellationToken)
    {
        await _life.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var n = Outbox.RewindCheckpoint(records);
            if (n > 0 && _publisher is not null)
            {
                await StopPublisherAsync().ConfigureAwait(false);
                await StartPublisherAsync(cancellationToken).ConfigureAwait(false);
            }

            return n;
        }
        finally
        {
            _life.Release();
        }
    }

    /// <summary>The next record's first delivery is altered; returns its seq.</summary>
    public long Tamper() => Outbox.TamperNext();

    /// <summary>The clean stop: power.state off, then up to <paramref name="drain"/> for the hub to acknowledge everything.</summary>
    public async Task StopAsync(TimeSpan drain, CancellationToken cancellationToken)
    {
        await _life.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_ledger is { } ledger)
            {
                await ledger.AppendAsync(RecordTypes.PowerState, ProductMix.Object(j =>
                {
                    j.WriteString("state", "off");
                    j.WriteNumber("boot", ledger.Boot);
                }), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _life.Release();
        }

        await WaitAcknowledgedAsync(drain, cancellationToken).ConfigureAwait(false);
        await _life.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await StopPublisherAsync().ConfigureAwait(false);
        }
        finally
        {
            _life.Release();
        }
    }

    /// <summary>Waits until the hub acknowledged everything appended so far, or <paramref name="timeout"/> passed; true when it did.</summary>
    public async Task<bool> WaitAcknowledgedAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = _system.GetTimestamp();
        while (Outbox.Acked < Outbox.LastAppended)
        {
            if (_system.GetElapsedTime(start) > timeout)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), _system, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await StopPublisherAsync().ConfigureAwait(false);
        _ledger?.Dispose();
        await Outbox.DisposeAsync().ConfigureAwait(false);
        _setup.Key.Dispose();
        _life.Dispose();
    }

    private async Task BootAsync(CancellationToken cancellationToken)
    {
        var clock = new DeviceClock(_clockTime, _setup.NoRtc ? SystemClockTrust.None : SystemClockTrust.Ntp);
        var ledger = await DeviceLedger.OpenAsync(Outbox, _identity, _setup.Key, clock, _digests, _signal, _loggers.CreateLogger<DeviceLedger>(), cancellationToken).ConfigureAwait(false);
        _ledger = ledger;
        _mix.NewBoot();
        await ledger.AppendAsync(RecordTypes.PowerState, ProductMix.Object(j =>
        {
            j.WriteString("state", "on");
            j.WriteNumber("boot", ledger.Boot);
            j.WriteString("previous_shutdown", _uncleanNext ? "unclean" : "clean");
            j.WriteString("board", _setup.Product.Board);
            j.WriteString("agent_version", "edgesim");
        }), cancellationToken).ConfigureAwait(false);
        await ledger.EnsureActivatedAsync(ProductMix.Object(j =>
        {
            j.WriteString("region", "330106");
            j.WriteNumber("boot", ledger.Boot);
        }), cancellationToken).ConfigureAwait(false);
    }

    private async Task StartPublisherAsync(CancellationToken cancellationToken)
    {
        var ledger = _ledger!;
        var options = Options.Create(new MqttOptions
        {
            Broker = _mqtt.Broker,
            ClientId = _setup.Serial,
            KeepAlive = _mqtt.KeepAlive,
            ReconnectMin = _mqtt.ReconnectMin,
            ReconnectMax = _mqtt.ReconnectMax,
            BatchMaxRecords = _mqtt.BatchMaxRecords,
            BatchMaxDelay = _mqtt.BatchMaxDelay,
            MaxInFlightBatches = _mqtt.MaxInFlightBatches,
            AckTimeout = _mqtt.AckTimeout,
            DrainTimeout = TimeSpan.Zero,
            SessionExpiry = _mqtt.SessionExpiry,
        });
        _publisher = new OutboxPublisher(Outbox, ledger, ledger, _signal, options, _system, _loggers.CreateLogger<OutboxPublisher>());
        await _publisher.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task StopPublisherAsync()
    {
        if (_publisher is not { } publisher)
        {
            return;
        }

        _publisher = null;
        var last = publisher.Status;
        _lastStatus = last;
        _earlier = (_earlier.BatchesSent + last.BatchesSent, _earlier.BatchesRefused + last.BatchesRefused);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await publisher.StopAsync(timeout.Token).ConfigureAwait(false);
        publisher.Dispose();
    }
}
