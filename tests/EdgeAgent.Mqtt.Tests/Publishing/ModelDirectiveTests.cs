using EdgeAgent.Contracts.Records;
using EdgeAgent.Contracts.Releases;
using EdgeAgent.Core.Updates;
using EdgeAgent.Mqtt.Tests.Brokers;

namespace EdgeAgent.Mqtt.Tests.Publishing;

/// <summary>The hub's retained directive on <c>cmd/model</c> reaches the update coordinator at each connect; it is acted on once.</summary>
public sealed class ModelDirectiveTests
{
    private static readonly ModelDirective Directive = new()
    {
        Campaign = "c-7",
        Action = ModelDirective.Install,
        Name = "silero-vad",
        Version = "5.1.0",
        Sha256 = new string('a', 64),
        Size = 2_000_000,
        ManifestUrl = "http://127.0.0.1:9/releases/silero-vad/5.1.0/release.json",
        ArtifactUrl = "http://127.0.0.1:9/artifacts/" + new string('a', 64),
    };

    [Theory]
    [InlineData(BrokerUnderTest.Embedded)]
    [InlineData(BrokerUnderTest.Mosquitto)]
    public async Task Retained_DeliveredAgainAfterReconnect_HandedOverEachTimeActedOnOnce(string broker)
    {
        var sink = new OnceSink();
        await using var h = await PublisherHarness.StartAsync(broker, startPublisher: false, directives: sink);
        var topic = Topics.Command(PublisherHarness.ProductId, PublisherHarness.DeviceId, Topics.ModelCommand);
        await h.Hub.PublishRetainedAsync(topic, Directive.ToJson());
        await h.Hub.PublishRetainedAsync(Topics.Command(PublisherHarness.ProductId, "GL-0002", Topics.ModelCommand), (Directive with { Campaign = "not-mine" }).ToJson());

        await h.Publisher.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => sink.Received == 1, "the retained directive arrived at the first connect");

        await h.Broker.StopAsync();
        await Eventually.TrueAsync(() => !h.Publisher.Status.Connected, "publisher saw the broker go");
        await h.Broker.StartAgainAsync();
        await h.Hub.ReconnectAsync();
        await h.Hub.PublishRetainedAsync(topic, Directive.ToJson()); // the hub keeps its directive retained
        await Eventually.TrueAsync(() => sink.Received >= 2, "the retained directive arrived again after the reconnect");

        Assert.Equal(1, sink.ActedOn);
        Assert.All(sink.Seen, d => Assert.Equal(Directive, d));
        h.AssertNoErrorLogged();
    }

    [Fact]
    public async Task NotADirective_IgnoredWithAWarning()
    {
        var sink = new OnceSink();
        await using var h = await PublisherHarness.StartAsync(BrokerUnderTest.Embedded, directives: sink);
        var topic = Topics.Command(PublisherHarness.ProductId, PublisherHarness.DeviceId, Topics.ModelCommand);
        await Eventually.TrueAsync(() => h.Publisher.Status.Connected, "publisher connected and subscribed");

        await h.Hub.PublishRetainedAsync(topic, "{\"schema\":1,\"campaign\":\"c\"}"u8.ToArray());
        await h.Hub.PublishRetainedAsync(topic, Directive.ToJson());
        await Eventually.TrueAsync(() => sink.Received == 1, "the valid directive arrived");

        Assert.Contains(h.Logger.Entries, e => e.EventId.Id == 5016);
    }

    /// <summary>Counts deliveries, and acts as the coordinator does: once per (campaign, action), remembered in a journal.</summary>
    private sealed class OnceSink : IModelDirectiveSink
    {
        private readonly Lock _gate = new();
        private readonly List<ModelDirective> _seen = [];
        private UpdateJournal _journal = new();

        public int Received
        {
            get
            {
                lock (_gate)
                {
                    return _seen.Count;
                }
            }
        }

        public int ActedOn { get; private set; }

        public IReadOnlyList<ModelDirective> Seen
        {
            get
            {
                lock (_gate)
                {
                    return [.. _seen];
                }
            }
        }

        public void Offer(ModelDirective directive)
        {
            lock (_gate)
            {
                _seen.Add(directive);
                if (!_journal.HasHandled(directive))
                {
                    _journal = _journal.WithHandled(directive);
                    ActedOn++;
                }
            }
        }
    }
}
