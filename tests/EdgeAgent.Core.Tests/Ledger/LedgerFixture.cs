using System.Security.Cryptography;
using System.Text.Json;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Core.Identity;
using EdgeAgent.Core.Ledger;
using EdgeAgent.Core.Outbox;
using EdgeAgent.Core.Time;
using EdgeAgent.TestKit.Logging;
using Microsoft.Extensions.Time.Testing;

namespace EdgeAgent.Core.Tests.Ledger;

/// <summary>A device (key, identity, clock, digests) and ledgers opened over one outbox, as the ledger tests need.</summary>
internal sealed class LedgerFixture : IDisposable
{
    public static readonly LedgerDigests Digests = new(new string('a', 64), new string('b', 64), new string('c', 64));

    public LedgerFixture(bool consent = true, SystemClockTrust trust = SystemClockTrust.None)
    {
        Identity = new DeviceIdentity { DeviceId = "GL-0001", ProductId = "smart-glasses", KeyId = Checkpoint.KeyIdOf(Key), ProvisionedMs = 0, Consent = consent };
        Clock = new DeviceClock(Time, trust);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.Zero));

    public ECDsa Key { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public DeviceIdentity Identity { get; }

    public DeviceClock Clock { get; }

    public ChainOutbox Outbox { get; } = new();

    public AppendSignal Signal { get; } = new();

    public ListLogger<DeviceLedger> Logger { get; } = new();

    public string PublicKeyPem => Key.ExportSubjectPublicKeyInfoPem();

    public Task<DeviceLedger> OpenAsync(IOutbox? outbox = null) =>
        DeviceLedger.OpenAsync(outbox ?? Outbox, Identity, Key, Clock, Digests, Signal, Logger, CancellationToken.None);

    public static JsonElement Data(string json) => JsonDocument.Parse(json).RootElement.Clone();

    public static EvidenceRecord Decode(OutboxRecord record)
    {
        Assert.True(RecordCodec.TryDecode(record.Payload.Span, out var decoded, out var problem), problem);
        return decoded!;
    }

    public void Dispose() => Key.Dispose();
}
