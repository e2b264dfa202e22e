using EdgeAgent.TestKit.Mqtt;

namespace EdgeAgent.Mqtt.Tests.Brokers;

/// <summary>Either broker the publisher tests run against: real Mosquitto or the embedded MQTTnet server.</summary>
public sealed class BrokerUnderTest : IAsyncDisposable
{
    public const string Mosquitto = "mosquitto";
    public const string Embedded = "embedded";

    /// <summary>Mosquitto with a TLS listener as well: the publisher uses TLS, the test hub the plain listener.</summary>
    public const string MosquittoTls = "mosquitto-tls";

    private readonly MosquittoBroker? _mosquitto;
    private readonly EmbeddedMqttBroker? _embedded;
    private readonly TestCertificates? _certificates;

    private BrokerUnderTest(MosquittoBroker? mosquitto, EmbeddedMqttBroker? embedded, TestCertificates? certificates = null) =>
        (_mosquitto, _embedded, _certificates) = (mosquitto, embedded, certificates);

    public static TheoryData<string> Kinds => [Mosquitto, Embedded];

    /// <summary>The embedded broker, or null for Mosquitto.</summary>
    public EmbeddedMqttBroker? EmbeddedBroker => _embedded;

    public int Port => _mosquitto?.Port ?? _embedded!.Port;

    /// <summary>Where the publisher connects: the TLS listener when there is one.</summary>
    public string Uri => _mosquitto?.TlsPort is { } tls ? $"mqtts://127.0.0.1:{tls}" : $"mqtt://127.0.0.1:{Port}";

    /// <summary>The CA that signed the TLS listener's certificate, for the publisher's Mqtt:CaFile.</summary>
    public string? CaFile => _certificates?.CaFile;

    public static async Task<BrokerUnderTest> StartAsync(string kind)
    {
        switch (kind)
        {
            case Mosquitto:
                return new BrokerUnderTest(await MosquittoBroker.StartAsync(), null);
            case Embedded:
                return new BrokerUnderTest(null, await EmbeddedMqttBroker.StartAsync());
            case MosquittoTls:
                var certificates = new TestCertificates(TimeProvider.System);
                return new BrokerUnderTest(await MosquittoBroker.StartAsync(certificates), null, certificates);
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "mosquitto, mosquitto-tls or embedded");
        }
    }

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

        _certificates?.Dispose();
    }
}
