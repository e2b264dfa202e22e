using EdgeAgent.Core.Ledger;
using EdgeAgent.Core.Outbox;
using EdgeAgent.Core.Time;
using EdgeAgent.TestKit.Ledger;
using EdgeAgent.TestKit.Outbox;
using EdgeAgent.TestKit.Time;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Mqtt.Tests.Options;

public sealed class MqttOptionsTests
{
    public static TheoryData<string, string, string> BadValues => new()
    {
        { "Broker", "http://127.0.0.1:1883", "Mqtt:Broker 'http://127.0.0.1:1883' has scheme 'http'; allowed: mqtt, mqtts" },
        { "Broker", "mqtt://127.0.0.1", "Mqtt:Broker 'mqtt://127.0.0.1' needs an explicit port between 1 and 65535" },
        { "Broker", "not a uri", "Mqtt:Broker 'not a uri' is not a URI" },
        { "BatchMaxRecords", "0", "Mqtt:BatchMaxRecords must be between 1 and 5000" },
        { "BatchMaxRecords", "5001", "Mqtt:BatchMaxRecords must be between 1 and 5000" },
        { "MaxInFlightBatches", "0", "Mqtt:MaxInFlightBatches must be between 1 and 1000" },
        { "KeepAlive", "00:00:00", "Mqtt:KeepAlive must be between 00:00:01 and 01:00:00" },
        { "AckTimeout", "00:00:00", "Mqtt:AckTimeout must be between" },
        { "ReconnectMin", "00:05:00", "Mqtt:ReconnectMin (00:05:00) must not exceed Mqtt:ReconnectMax (00:01:00)" },
        { "ClientId", "has space", "Mqtt:ClientId must be 1-64 of A-Z a-z 0-9 . _ -" },
        { "CaFile", "/nonexistent/ca.pem", "Mqtt:CaFile is set but Mqtt:Broker 'mqtt://127.0.0.1:1883' is not mqtts://" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public void AddEdgeAgentMqtt_BadValue_FailsNamingTheKeyAndRange(string key, string value, string expected)
    {
        using var provider = Provider(new Dictionary<string, string?> { [$"Mqtt:{key}"] = value });

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<MqttOptions>>().Value);

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddEdgeAgentMqtt_MqttsWithMissingCaFile_FailsNamingTheFile()
    {
        using var provider = Provider(new Dictionary<string, string?> { ["Mqtt:Broker"] = "mqtts://hub.example:8883", ["Mqtt:CaFile"] = "/nonexistent/ca.pem" });

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<MqttOptions>>().Value);

        Assert.Contains("Mqtt:CaFile '/nonexistent/ca.pem' does not exist", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddEdgeAgentMqtt_NoSection_UsesTheDocumentedDefaults()
    {
        using var provider = Provider([]);

        var o = provider.GetRequiredService<IOptions<MqttOptions>>().Value;

        Assert.Equal("mqtt://127.0.0.1:1883", o.Broker);
        Assert.Null(o.ClientId);
        Assert.Equal(TimeSpan.FromSeconds(30), o.KeepAlive);
        Assert.Equal(TimeSpan.FromSeconds(1), o.ReconnectMin);
        Assert.Equal(TimeSpan.FromSeconds(60), o.ReconnectMax);
        Assert.Equal(500, o.BatchMaxRecords);
        Assert.Equal(TimeSpan.FromMilliseconds(200), o.BatchMaxDelay);
        Assert.Equal(8, o.MaxInFlightBatches);
        Assert.Equal(TimeSpan.FromSeconds(15), o.AckTimeout);
        Assert.Equal(TimeSpan.FromDays(7), o.SessionExpiry);
    }

    [Fact]
    public void AddEdgeAgentMqtt_Registered_PublisherIsOneSingletonAndTheHostedService()
    {
        using var signer = new TestCheckpointSigner("GL-0001", "smart-glasses");
        using var provider = Provider([], services => services
            .AddSingleton<IOutbox>(new InMemoryOutbox())
            .AddSingleton<ICheckpointSigner>(signer)
            .AddSingleton<IClockSyncParty>(new FakeClockSyncParty(1, TimeProvider.System))
            .AddSingleton<AppendSignal>()
            .AddSingleton(TimeProvider.System));

        var publisher = provider.GetRequiredService<OutboxPublisher>();

        Assert.Same(publisher, Assert.Single(provider.GetServices<IHostedService>()));
        Assert.Equal("mqtt://127.0.0.1:1883", publisher.Status.Broker);
        Assert.False(publisher.Status.Connected);
    }

    private static ServiceProvider Provider(Dictionary<string, string?> values, Action<IServiceCollection>? more = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection().AddLogging().AddEdgeAgentMqtt(configuration);
        more?.Invoke(services);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void ClientOptions_Build_SizesTheSocketBuffersForTheLargestBatch()
    {
        // MQTTnet's 8 KiB default SO_SNDBUF left one loopback segment in flight per delayed ACK (40 ms per 64 KiB).
        var built = EdgeAgent.Mqtt.Connection.ClientOptions.Build(new MqttOptions(), "GL-0001");

        var tcp = Assert.IsType<MQTTnet.MqttClientTcpOptions>(built.ChannelOptions);
        Assert.True(tcp.BufferSize >= Contracts.Records.RecordBatch.MaxBatchBytes, $"socket buffers of {tcp.BufferSize} bytes");
        Assert.True(tcp.NoDelay);
    }
}
