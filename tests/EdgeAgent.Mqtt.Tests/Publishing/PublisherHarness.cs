using EdgeAgent.Core.Outbox;
using EdgeAgent.Mqtt.Tests.Brokers;
using EdgeAgent.Mqtt.Tests.Hub;
using EdgeAgent.TestKit.Ledger;
using EdgeAgent.TestKit.Logging;
using EdgeAgent.TestKit.Outbox;
using EdgeAgent.TestKit.Time;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Mqtt.Tests.Publishing;

/// <summary>A device publisher, its in-memory outbox and chain, a broker and the test hub, wired on loopback.</summary>
internal sealed class PublisherHarness : IAsyncDisposable
{
    public const string DeviceId = "GL-0001";
    public const string ProductId = "smart-glasses";

    private readonly TestCheckpointSigner _signer = new(DeviceId, ProductId);

    private PublisherHarness(BrokerUnderTest broker, MqttOptions options, EdgeAgent.Core.Updates.IModelDirectiveSink? directives, Random jitter)
    {
        Broker = broker;
        Options = options;
        Chain = new TestChain(Outbox, Signal, DeviceId, ProductId);
        Publisher = new OutboxPublisher(Outbox, _signer, Party, Signal, Microsoft.Extensions.Options.Options.Create(options), TimeProvider.System, Logger, jitter, directives);
    }

    public BrokerUnderTest Broker { get; }

    public MqttOptions Options { get; }

    public InMemoryOutbox Outbox { get; } = new();

    public AppendSignal Signal { get; } = new();

    public FakeClockSyncParty Party { get; } = new(3, TimeProvider.System);

    public ListLogger<OutboxPublisher> Logger { get; } = new();

    public TestChain Chain { get; }

    public OutboxPublisher Publisher { get; }

    public TestHub Hub { get; private set; } = null!;

    /// <param name="jitter">The publisher's backoff jitter; default seeded (42).</param>
    public static async Task<PublisherHarness> StartAsync(string brokerKind, Action<MqttOptions>? configure = null, bool startPublisher = true, EdgeAgent.Core.Updates.IModelDirectiveSink? directives = null, Random? jitter = null)
    {
        var broker = await BrokerUnderTest.StartAsync(brokerKind);
        var options = new MqttOptions
        {
            Broker = broker.Uri,
            CaFile = broker.CaFile,
            ReconnectMin = TimeSpan.FromMilliseconds(50),
            ReconnectMax = TimeSpan.FromMilliseconds(400),
            BatchMaxDelay = TimeSpan.FromMilliseconds(20),
            KeepAlive = TimeSpan.FromSeconds(5),
        };
        configure?.Invoke(options);
        var harness = new PublisherHarness(broker, options, directives, jitter ?? new Random(42));
        harness.Hub = await TestHub.ConnectAsync(broker.Port, harness._signer.PublicKey(), DeviceId, ProductId);
        if (startPublisher)
        {
            await harness.Publisher.StartAsync(CancellationToken.None);
        }

        return harness;
    }

    public Task AckedReachesAsync(long seq) => Eventually.TrueAsync(() => Outbox.Acknowledged >= seq, $"outbox acknowledged up to {seq}");

    public void AssertNoErrorLogged() =>
        Assert.DoesNotContain(Logger.Entries, e => e.Level >= LogLevel.Error);

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await Publisher.StopAsync(stop.Token);
        Publisher.Dispose();
        await Hub.DisposeAsync();
        await Broker.DisposeAsync();
        _signer.Dispose();
    }
}
