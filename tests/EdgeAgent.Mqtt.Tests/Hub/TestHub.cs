using System.Buffers;
using System.Security.Cryptography;
using System.Threading.Channels;
using EdgeAgent.Contracts.Records;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeAgent.Mqtt.Tests.Hub;

/// <summary>
/// The hub side of the tests: a plain MQTTnet client on <c>ea/v1/+/+/evt</c> and <c>.../clock</c> that checks every batch
/// (shape, checkpoint signature, contiguous entries, chain links) and acknowledges like the real hub: the highest seq
/// stored with no gap, and <c>gap</c> rejections for entries past a hole. Acks are published by its own pump task.
/// </summary>
internal sealed class TestHub : IAsyncDisposable
{
    public const long HubMs = 1_764_403_200_000;

    private readonly Lock _gate = new();
    private readonly ECDsa _publicKey;
    private readonly string _deviceId;
    private readonly string _productId;
    private readonly Channel<MqttApplicationMessage> _outgoing = Channel.CreateUnbounded<MqttApplicationMessage>();
    private readonly List<long> _arrivals = [];
    private readonly List<string> _problems = [];
    private readonly List<Tombstone> _tombstones = [];
    private readonly Task _pump;
    private IMqttClient? _client;
    private int _port;
    private ChainHead _head = ChainHead.Genesis;
    private long? _dropBatchStartingAt;

    private TestHub(ECDsa publicKey, string deviceId, string productId)
    {
        (_publicKey, _deviceId, _productId) = (publicKey, deviceId, productId);
        _pump = PumpAsync();
    }

    /// <summary>When false the hub stores but never acknowledges.</summary>
    public bool Acking { get; set; } = true;

    public int DroppedBatches { get; private set; }

    public int ClockRequests { get; private set; }

    public static async Task<TestHub> ConnectAsync(int port, ECDsa publicKey, string deviceId, string productId)
    {
        var hub = new TestHub(publicKey, deviceId, productId);
        await hub.ReconnectAsync(port);
        return hub;
    }

    /// <summary>Every entry seq in arrival order, resends included.</summary>
    public IReadOnlyList<long> Arrivals { get { lock (_gate) { return [.. _arrivals]; } } }

    /// <summary>Seqs deduplicated, in order of first arrival.</summary>
    public IReadOnlyList<long> FirstArrivals => [.. Arrivals.Distinct()];

    public IReadOnlyList<string> Problems { get { lock (_gate) { return [.. _problems]; } } }

    public IReadOnlyList<Tombstone> Tombstones { get { lock (_gate) { return [.. _tombstones]; } } }

    public ChainHead Head { get { lock (_gate) { return _head; } } }

    /// <summary>The next batch that starts at <paramref name="seq"/> is lost on the way (once).</summary>
    public void LoseBatchStartingAt(long seq)
    {
        lock (_gate)
        {
            _dropBatchStartingAt = seq;
        }
    }

    /// <summary>Publishes a retained message, as the hub does with a device's model directive.</summary>
    public Task PublishRetainedAsync(string topic, byte[] payload) =>
        _client!.PublishAsync(new MQTTnet.MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithRetainFlag()
            .WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build());

    public async Task ReconnectAsync(int? port = null)
    {
        _port = port ?? _port;
        var old = _client;
        if (old is not null)
        {
            old.Dispose();
        }

        var client = new MqttClientFactory().CreateMqttClient();
        client.ApplicationMessageReceivedAsync += e =>
        {
            Handle(e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray());
            return Task.CompletedTask;
        };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _port).WithClientId("test-hub").WithCleanStart().Build(), timeout.Token);
        await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(Topics.AllEvents, MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter(Topics.AllClock, MqttQualityOfServiceLevel.AtLeastOnce)
            .Build(), timeout.Token);
        _client = client;
    }

    /// <summary>Acknowledges the current head now (as after switching <see cref="Acking"/> on).</summary>
    public void AckNow() => SendAck(new BatchAck { DeviceId = _deviceId, AckedSeq = Head.Seq });

    public void SendAck(BatchAck ack) => SendRawAck(BatchAck.Write(ack));

    public void SendRawAck(byte[] payload) =>
        _outgoing.Writer.TryWrite(new MqttApplicationMessageBuilder().WithTopic(Topics.Ack(_productId, _deviceId)).WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

    private void Handle(string topic, byte[] payload)
    {
        if (!Topics.TryParse(topic, out var product, out var device, out var kind))
        {
            return;
        }

        if (kind == "clock")
        {
            if (ClockSyncRequest.TryRead(payload, out var request))
            {
                lock (_gate)
                {
                    ClockRequests++;
                }

                _outgoing.Writer.TryWrite(new MqttApplicationMessageBuilder().WithTopic(Topics.Command(product, device, Topics.ClockCommand))
                    .WithPayload(ClockSyncReply.Write(new ClockSyncReply { Boot = request!.Boot, MonoMs = request.MonoMs, HubMs = HubMs }))
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
            }

            return;
        }

        if (kind == "evt")
        {
            HandleBatch(device, payload);
        }
    }

    private void HandleBatch(string device, byte[] payload)
    {
        lock (_gate)
        {
            if (!RecordBatch.TryRead(payload, out var batch, out var reason, out var detail))
            {
                _problems.Add($"unreadable batch: {reason} {detail}");
                return;
            }

            if (device != _deviceId || batch!.DeviceId != _deviceId || !batch.Checkpoint.VerifiedBy(_publicKey, _deviceId))
            {
                _problems.Add($"batch of {device} whose checkpoint does not verify");
                return;
            }

            var entries = new List<(long Seq, string Hash, string? Prev)>();
            foreach (var bytes in batch.Records)
            {
                if (!RecordCodec.TryDecode(bytes, out var record, out var problem))
                {
                    _problems.Add($"record does not decode: {problem}");
                    return;
                }

                entries.Add((record!.Seq, RecordCodec.Hash(bytes), record.Prev));
            }

            entries.AddRange(batch.Dropped.Select(t => (t.Seq, t.Hash, (string?)null)));
            entries.Sort((a, b) => a.Seq.CompareTo(b.Seq));
            for (var i = 1; i < entries.Count; i++)
            {
                if (entries[i].Seq != entries[i - 1].Seq + 1)
                {
                    _problems.Add($"batch not contiguous: seq {entries[i - 1].Seq} then {entries[i].Seq}");
                }
            }

            if (batch.Checkpoint.Seq != entries[^1].Seq || batch.Checkpoint.Hash != entries[^1].Hash)
            {
                _problems.Add($"checkpoint seq {batch.Checkpoint.Seq} is not the batch's last entry {entries[^1].Seq}");
            }

            if (_dropBatchStartingAt == entries[0].Seq)
            {
                _dropBatchStartingAt = null;
                DroppedBatches++;
                return;
            }

            _tombstones.AddRange(batch.Dropped);
            var rejected = new List<RejectedRecord>();
            foreach (var (seq, hash, prev) in entries)
            {
                _arrivals.Add(seq);
                if (seq <= _head.Seq)
                {
                    continue;
                }

                if (seq > _head.Seq + 1)
                {
                    rejected.Add(new RejectedRecord { Seq = seq, Reason = RejectionReasons.Gap });
                }
                else if (prev is null || prev == _head.Hash)
                {
                    _head = new ChainHead(seq, hash);
                }
                else
                {
                    _problems.Add($"seq {seq} does not link to {_head.Seq}");
                    rejected.Add(new RejectedRecord { Seq = seq, Reason = RejectionReasons.BrokenChain });
                }
            }

            if (Acking)
            {
                SendAck(new BatchAck { DeviceId = _deviceId, AckedSeq = _head.Seq, Rejected = rejected });
            }
        }
    }

    private async Task PumpAsync()
    {
        await foreach (var message in _outgoing.Reader.ReadAllAsync())
        {
            try
            {
                if (_client is { IsConnected: true } c)
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    await c.PublishAsync(message, timeout.Token);
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The broker is down: this ack is lost, as it can be in the field; the device sends again.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _outgoing.Writer.TryComplete();
        await _pump;
        _client?.Dispose();
        _publicKey.Dispose();
    }
}
