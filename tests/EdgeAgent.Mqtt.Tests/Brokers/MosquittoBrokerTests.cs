using System.Buffers;
using System.Text;
using EdgeAgent.TestKit.Mqtt;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeAgent.Mqtt.Tests.Brokers;

/// <summary>The Mosquitto fixture the evidence-pipeline tests run against: a real broker, restartable on its port.</summary>
public sealed class MosquittoBrokerTests
{
    [Fact]
    public async Task StartAsync_RealBroker_DeliversAQos1Message()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var client = await ConnectAsync(broker, "edgeagent-test");
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.ApplicationMessageReceivedAsync += e =>
        {
            received.TrySetResult(Encoding.UTF8.GetString(e.ApplicationMessage.Payload.ToArray()));
            return Task.CompletedTask;
        };
        await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("ea/v1/p/d/evt", MqttQualityOfServiceLevel.AtLeastOnce).Build());

        var result = await client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic("ea/v1/p/d/evt").WithPayload("hello").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

        Assert.True(result.IsSuccess);
        Assert.Equal("hello", await received.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task StopAsync_ThenStartAgain_SamePortAcceptsClientsAgain()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var port = broker.Port;

        await broker.StopAsync();
        Assert.False(broker.IsRunning);
        await Assert.ThrowsAnyAsync<Exception>(async () => (await ConnectAsync(broker, "while-down")).Dispose());
        await broker.StartAgainAsync();

        using var client = await ConnectAsync(broker, "after-restart");
        Assert.Equal(port, broker.Port);
        Assert.True(client.IsConnected);
    }

    private static async Task<IMqttClient> ConnectAsync(MosquittoBroker broker, string clientId)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(MosquittoBroker.Host, broker.Port).WithClientId(clientId).Build(), timeout.Token);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }
}
