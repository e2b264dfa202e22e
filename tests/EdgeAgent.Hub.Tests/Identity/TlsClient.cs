using System.Buffers;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using EdgeAgent.Contracts.Records;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeAgent.Hub.Tests.Identity;

/// <summary>An MQTTnet client over TLS to a broker whose server certificate the hub CA issued, optionally with a client certificate.</summary>
internal sealed class TlsClient : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly IMqttClient _client;
    private readonly Channel<(string Topic, byte[] Payload)> _received = Channel.CreateUnbounded<(string, byte[])>();
    private readonly TaskCompletionSource<MqttClientDisconnectedEventArgs> _disconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TlsClient(IMqttClient client)
    {
        _client = client;
        _client.ApplicationMessageReceivedAsync += e =>
        {
            _received.Writer.TryWrite((e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray()));
            Topics.Enqueue(e.ApplicationMessage.Topic);
            return Task.CompletedTask;
        };
        _client.DisconnectedAsync += e =>
        {
            if (e.ClientWasConnected)
            {
                _disconnected.TrySetResult(e);
            }

            return Task.CompletedTask;
        };
    }

    /// <summary>Every topic a message arrived on, in order.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Topics { get; } = new();

    /// <summary>Completes when the broker drops the connection.</summary>
    public Task<MqttClientDisconnectedEventArgs> Disconnected => _disconnected.Task;

    public static async Task<TlsClient> ConnectAsync(Uri broker, string clientId, X509Certificate2? certificate, X509Certificate2 ca, string? username = null)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var wrapper = new TlsClient(client);
        var builder = new MqttClientOptionsBuilder().WithTcpServer(broker.Host, broker.Port).WithClientId(clientId)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).WithTimeout(Timeout)
            .WithTlsOptions(tls =>
            {
                tls.UseTls().WithTrustChain([ca]);
                if (certificate is not null)
                {
                    tls.WithClientCertificates([certificate]);
                }
            });
        if (username is not null)
        {
            builder.WithCredentials(username, "guess");
        }

        using var cts = new CancellationTokenSource(Timeout);
        try
        {
            var result = await client.ConnectAsync(builder.Build(), cts.Token);
            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                throw new ConnectRefusedException(result.ResultCode);
            }
        }
        catch
        {
            client.Dispose();
            throw;
        }

        return wrapper;
    }

    /// <summary>Connects a plain (non-TLS) client; throws <see cref="ConnectRefusedException"/> when the broker refuses it.</summary>
    public static async Task ConnectPlainAsync(MqttClientOptionsBuilder options)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var client = new MqttClientFactory().CreateMqttClient();
        using var cts = new CancellationTokenSource(Timeout);
        var result = await client.ConnectAsync(options.WithTimeout(Timeout).Build(), cts.Token);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new ConnectRefusedException(result.ResultCode);
        }
    }

    public async Task<MqttClientPublishResult> PublishAsync(string topic, byte[] payload)
    {
        using var cts = new CancellationTokenSource(Timeout);
        return await _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), cts.Token);
    }

    public async Task<MqttClientSubscribeResultCode> SubscribeAsync(string filter)
    {
        using var cts = new CancellationTokenSource(Timeout);
        var result = await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce).Build(), cts.Token);
        return Assert.Single(result.Items).ResultCode;
    }

    public async Task<BatchAck> NextAckAsync(string ackTopic)
    {
        using var cts = new CancellationTokenSource(Timeout);
        while (true)
        {
            var (topic, payload) = await _received.Reader.ReadAsync(cts.Token);
            if (topic == ackTopic)
            {
                Assert.True(BatchAck.TryRead(payload, out var ack, out var problem), problem);
                return ack!;
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

/// <summary>The broker answered CONNECT with a refusal.</summary>
public sealed class ConnectRefusedException : Exception
{
    public ConnectRefusedException()
    {
    }

    public ConnectRefusedException(string message)
        : base(message)
    {
    }

    public ConnectRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal ConnectRefusedException(MqttClientConnectResultCode code)
        : base($"CONNECT refused: {code}")
    {
        ResultCode = code;
    }

    public MqttClientConnectResultCode ResultCode { get; }
}
