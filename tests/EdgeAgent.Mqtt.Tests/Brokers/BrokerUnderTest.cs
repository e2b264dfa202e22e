using EdgeAgent.TestKit.Mqtt;

namespace EdgeAgent.Mqtt.Tests.Brokers;

/// <summary>Either broker the publisher tests run against: real Mosquitto or the embedded MQTTnet server.</summary>
public sealed class BrokerUnderTest : IAsyncDisposable
{
    public const string Mosquitto = "mosquitto";
    public const string Embedded = "embedded";

    private readonly MosquittoBroker? _mosquitto;
    private readonly EmbeddedMqttBroker? _embedded;

    private BrokerUnderTest(MosquittoBroker? mosquitto, EmbeddedMqttBroker? embedded) => (_mosquitto, _embedded) = (mosquitto, embedded);

    public static TheoryData<string> Kinds => [Mosquitto, Embedded];

    public int Port => _mosquitto?.Port ?? _embedded!.Port;

    public string Uri => $"mqtt://127.0.0.1:{Port}";

    public static async Task<BrokerUnderTest> StartAsync(string kind) => kind switch
    {
        Mosquitto => new BrokerUnderTest(await MosquittoBroker.StartAsync(), null),
        Embedded => new BrokerUnderTest(null, await EmbeddedMqttBroker.StartAsync()),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "mosquitto or embedded"),
    };

    /// <summary>Mosquitto is killed (SIGKILL); the embedded broker is stopped.</summary>
    public Task StopAsync() => _mosquitto?.StopAsync() ?? _embedded!.StopAsync();

    public Task StartAgainAsync() => _mosquitto?.StartAgainAsync() ?? _embedded!.StartAgainAsync();

    public async ValueTask DisposeAsync()
    {
        if (_mosquitto is not null)
        {
            await _mosquitto.DisposeAsync();
        }

        if (_embedded is not null)
        {
            await _embedded.DisposeAsync();
        }
    }
}
