using System.Buffers;
using System.Threading.Channels;
using EdgeAgent.Contracts.Records;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeAgent.Hub.Tests.Support;

/// <summary>A plain MQTTnet client in a device's place: publishes batches and clock requests, collects acks and commands.</summary>
internal sealed class DeviceClient : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly IMqttClient _client;
    private readonly Channel<(string Topic, byte[] Payload)> _received = Channel.CreateUnbounded<(string, byte[])>();

    private DeviceClient(IMqttClient client)
    {
        _client = client;
        _client.ApplicationMessageReceivedAsync += e =>
        {
            _received.Writer.TryWrite((e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray()));
            return Task.CompletedTask;
        };
    }

    /// <summary>Connects as <paramref name="clientId"/> and subscribes to the acks and commands of <paramref name="devices"/>.</summary>
    public static async Task<DeviceClient> ConnectAsync(Uri broker, string clientId, params TestDevice[] devices)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var device = new DeviceClient(client);
        using var cts = new CancellationTokenSource(Timeout);
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(broker.Host, broker.Port).WithClientId(clientId)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build(), cts.Token);
        var subscribe = new MqttClientSubscribeOptionsBuilder();
        foreach (var d in devices)
        {
            subscribe.WithTopicFilter(Topics.Ack(d.ProductId, d.DeviceId), MqttQualityOfServiceLevel.AtLeastOnce);
            subscribe.WithTopicFilter(Topics.Command(d.ProductId, d.DeviceId, Topics.ClockCommand), MqttQualityOfServiceLevel.AtLeastOnce);
        }

        if (devices.Length > 0)
        {
            await client.SubscribeAsync(subscribe.Build(), cts.Token);
        }
        return device;
    }

    public async Task PublishAsync(string topic, byte[] payload)
    {
        using var cts = new CancellationTokenSource(Timeout);
        await _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), cts.Token);
    }

    /// <summary>Publishes a batch of <paramref name="device"/> on its events topic and returns the hub's next ack for it.</summary>
    public async Task<BatchAck> SendAsync(TestDevice device, byte[] batch, string? topic = null)
    {
        await PublishAsync(topic ?? device.EventsTopic, batch);
        return await NextAckAsync(device);
    }

    public async Task<BatchAck> NextAckAsync(TestDevice device)
    {
        var ackTopic = Topics.Ack(device.ProductId, device.DeviceId);
        var (_, payload) = await NextAsync(ackTopic);
        Assert.True(BatchAck.TryRead(payload, out var ack, out var problem), problem);
        return ack!;
    }

    public async Task<(string Topic, byte[] Payload)> NextAsync(string topic)
    {
        using var cts = new CancellationTokenSource(Timeout);
        while (true)
        {
            var message = await _received.Reader.ReadAsync(cts.Token);
            if (message.Topic == topic)
            {
                return message;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync();
        }

        _client.Dispose();
    }
}
