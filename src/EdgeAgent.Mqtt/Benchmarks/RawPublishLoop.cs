using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EdgeAgent.Mqtt.Benchmarks;

/// <summary>
/// The baseline of <c>edgeagent bench evidence</c>: a plain MQTTnet client (MQTT 5, clean start) publishing one QoS 1
/// message after another and awaiting each PUBACK, with none of the agent's outbox, ledger, batching or acknowledgements.
/// </summary>
public sealed class RawPublishLoop : IAsyncDisposable
{
    private readonly IMqttClient _client;
    private readonly string _broker;

    private RawPublishLoop(IMqttClient client, string broker)
    {
        _client = client;
        _broker = broker;
    }

    /// <param name="broker"><c>mqtt://host:port</c>.</param>
    /// <exception cref="InvalidOperationException">The broker refused the connection.</exception>
    public static async Task<RawPublishLoop> ConnectAsync(string broker, string clientId, CancellationToken cancellationToken)
    {
        if (!BrokerEndpoint.TryParse(broker, out var endpoint, out var problem) || endpoint.Tls)
        {
            throw new ArgumentException(problem ?? $"'{broker}': the raw loop speaks plain mqtt:// only", nameof(broker));
        }

        var client = new MqttClientFactory().CreateMqttClient();
        try
        {
            var options = new MqttClientOptionsBuilder()
                .WithTcpServer(endpoint.Host, endpoint.Port)
                .WithProtocolVersion(MqttProtocolVersion.V500)
                .WithClientId(clientId)
                .WithCleanStart(true)
                .Build();
            Connection.ClientOptions.SizeSocketBuffers(options); // the same sockets as the publisher's
            var result = await client.ConnectAsync(options, cancellationToken).ConfigureAwait(false);
            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                throw new InvalidOperationException($"broker {broker} refused the raw client: {result.ResultCode} {result.ReasonString}");
            }

            return new RawPublishLoop(client, broker);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Publishes <paramref name="payload"/> <paramref name="count"/> times at QoS 1, each awaited before the next.</summary>
    public async Task PublishAsync(string topic, byte[] payload, int count, CancellationToken cancellationToken)
    {
        var message = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
        for (var i = 0; i < count; i++)
        {
            var result = await _client.PublishAsync(message, cancellationToken).ConfigureAwait(false);
            if (!result.IsSuccess && result.ReasonCode != MqttClientPublishReasonCode.NoMatchingSubscribers)
            {
                throw new InvalidOperationException($"broker {_broker} refused a raw publish on {topic}: {result.ReasonCode} {result.ReasonString}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Going away anyway; the raw client keeps no session.
            }
        }

        _client.Dispose();
    }
}
