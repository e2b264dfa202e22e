using System.Buffers;
using System.Threading.Channels;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Hub.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Protocol;

namespace EdgeAgent.Hub.Ingestion;

/// <summary>
/// The hub's MQTT client: a persistent session (clean start off, session expiry) subscribed QoS 1 to every device's
/// batches and clock requests, so a broker queues them while the hub is away. Messages go through a channel to ONE
/// writer loop that verifies and stores whatever is queued as one group in one transaction, and only then PUBACKs the
/// messages and queues a <see cref="BatchAck"/> per device touched. Clock requests never reach the writer: they are
/// answered as they are received. Acknowledgements and clock replies go out through <see cref="ReplyPublisher"/>,
/// pipelined, so neither the writer nor the receive path waits for the broker's confirmations. The same connection
/// carries the rollout engine's retained model directives (<see cref="PublishRetainedAsync"/>).
/// <para>
/// As one worker of a shared PostgreSQL store (<see cref="HubOptions.Store"/>) it subscribes through the MQTT 5 shared
/// subscription <c>$share/GROUP/...</c>, so the broker spreads batches over the workers; its session ends with its
/// connection (a dead worker's session would otherwise keep taking its share of batches until it expires), and a
/// batch in flight to a worker that dies is delivered again by the broker where it re-dispatches (EMQX), else sent again
/// by its device, which keeps every record until the hub's acknowledgement names it. The writer also flags parked
/// batches whose grace ran out (<see cref="IngestionProcessor.SweepExpired"/>).
/// </para>
/// </summary>
internal sealed class IngestionService : BackgroundService, Rollouts.IDirectivePublisher
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>How often an idle worker looks for parked batches whose grace ran out.</summary>
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(1);

    private readonly HubOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<IngestionService> _logger;
    private readonly IMqttClient _client;
    private readonly Channel<MqttApplicationMessageReceivedEventArgs> _inbox =
        Channel.CreateBounded<MqttApplicationMessageReceivedEventArgs>(new BoundedChannelOptions(50_000) { SingleReader = true });
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Uri _broker;
    private readonly ReplyPublisher _replies;

    private readonly Identity.IngestionCredentials _credentials;

    public IngestionService(HubOptions options, Identity.IngestionCredentials credentials, TimeProvider time, ILogger<IngestionService> logger)
    {
        _options = options;
        _credentials = credentials;
        _time = time;
        _logger = logger;
        _broker = options.BrokerUri();
        _client = new MqttClientFactory().CreateMqttClient();
        _replies = new ReplyPublisher(_client, logger);
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
        _client.DisconnectedAsync += e =>
        {
            if (e.ClientWasConnected && !_stopping)
            {
                Log.IngestionDisconnected(_logger, _broker, e.ReasonString ?? e.Reason.ToString());
            }

            return Task.CompletedTask;
        };
    }

    private volatile bool _stopping;

    /// <summary>Cancelled at stop: a clock request waiting for room in a full reply queue gives up (unanswered, so not PUBACKed).</summary>
    private readonly CancellationTokenSource _stop = new();

    /// <summary>Completes once the first connection is subscribed.</summary>
    public Task Ready => _ready.Task;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true; // from here a disconnection is ours (or the embedded broker's shutdown), not a fault
        await _stop.CancelAsync().ConfigureAwait(false);
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (_client.IsConnected)
        {
            try
            {
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is MqttCommunicationException or OperationCanceledException)
            {
                // Stopping anyway; the broker keeps the session.
            }
        }
    }

    public override void Dispose()
    {
        _client.Dispose();
        _replies.Dispose();
        _stop.Dispose();
        base.Dispose();
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(ConnectionLoopAsync(stoppingToken), WriterLoopAsync(stoppingToken), _replies.RunAsync(stoppingToken));

    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        // PUBACK only after the group holding this message is committed (or its reply confirmed, for clock requests).
        e.AutoAcknowledge = false;
        var topic = e.ApplicationMessage.Topic;
        if (Topics.TryParse(topic, out var product, out var device, out var kind) && kind == "clock")
        {
            // Answered here, at once: the hub's time is read as the request arrives, not after the groups queued before it.
            await AnswerClockAsync(e, product, device, topic).ConfigureAwait(false);
            return;
        }

        await _inbox.Writer.WriteAsync(e).ConfigureAwait(false);
    }

    private async Task ConnectionLoopAsync(CancellationToken ct)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(_broker.Host, _broker.Port)
            .WithClientId(_options.MqttClientId)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithCleanStart(_options.IsWorker)
            .WithSessionExpiryInterval(_options.IsWorker ? 0 : (uint)_options.SessionExpiry.TotalSeconds)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(15));
        _credentials.Apply(builder); // a credential no device has: the embedded broker's per-start secret, or the hub's client certificate
        var options = builder.Build();

        // MQTTnet sizes SO_RCVBUF/SO_SNDBUF from BufferSize (8 KiB by default): a window smaller than one loopback segment
        // makes every segment of a large batch wait out a 40 ms delayed ACK. Batches are up to 1 MiB.
        ((MqttClientTcpOptions)options.ChannelOptions).BufferSize = RecordBatch.MaxBatchBytes;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (!_client.IsConnected)
                {
                    var result = await _client.ConnectAsync(options, ct).ConfigureAwait(false);
                    var (events, clock) = _options.IsWorker
                        ? ($"$share/{_options.ShareGroup}/{Topics.AllEvents}", $"$share/{_options.ShareGroup}/{Topics.AllClock}")
                        : (Topics.AllEvents, Topics.AllClock);
                    var subscribe = new MqttClientSubscribeOptionsBuilder()
                        .WithTopicFilter(events, MqttQualityOfServiceLevel.AtLeastOnce)
                        .WithTopicFilter(clock, MqttQualityOfServiceLevel.AtLeastOnce)
                        .Build();
                    var granted = await _client.SubscribeAsync(subscribe, ct).ConfigureAwait(false);
                    if (granted.Items.FirstOrDefault(i => i.ResultCode > MqttClientSubscribeResultCode.GrantedQoS2) is { } refused)
                    {
                        throw new InvalidOperationException($"the broker refused the subscription {refused.TopicFilter.Topic}: {refused.ResultCode}");
                    }

                    Log.IngestionConnected(_logger, _broker, result.IsSessionPresent, events, clock);
                    _ready.TrySetResult();
                }

                await Task.Delay(RetryDelay, _time, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is MqttCommunicationException or OperationCanceledException or InvalidOperationException or System.Net.Sockets.SocketException)
            {
                Log.IngestionConnectFailed(_logger, _broker, (long)RetryDelay.TotalMilliseconds, e);
                try
                {
                    await Task.Delay(RetryDelay, _time, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task WriterLoopAsync(CancellationToken ct)
    {
        using var stores = IngestionStores.Open(_options);
        using var processor = new IngestionProcessor(stores.Store, _time, _logger, stores.Parking, _options.GapGrace);
        var group = new List<MqttApplicationMessageReceivedEventArgs>();
        var batches = new List<IncomingBatch>();
        try
        {
            var lastSweep = _time.GetTimestamp();
            while (true)
            {
                // A worker sweeps at least once a second, busy or idle: a busy one must flag expired parked batches too.
                if (stores.Parking is not null && _time.GetElapsedTime(lastSweep) >= SweepInterval)
                {
                    lastSweep = _time.GetTimestamp();
                    var expired = await StoreWithRetryAsync(processor.SweepExpired, 0, ct).ConfigureAwait(false);
                    await QueueAcksAsync(expired, ct).ConfigureAwait(false);
                }

                if (stores.Parking is not null && !await WaitToReadOrSweepAsync(ct).ConfigureAwait(false))
                {
                    continue;
                }

                if (stores.Parking is null && !await _inbox.Reader.WaitToReadAsync(ct).ConfigureAwait(false))
                {
                    return;
                }

                group.Clear();
                batches.Clear();
                while (group.Count < _options.MaxGroupBatches && _inbox.Reader.TryRead(out var e))
                {
                    group.Add(e);
                    batches.Add(new IncomingBatch(e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray()));
                }

                if (batches.Count == 0)
                {
                    continue;
                }

                var acks = await StoreWithRetryAsync(() => processor.Process(batches), batches.Count, ct).ConfigureAwait(false);
                foreach (var e in group)
                {
                    await AcknowledgeAsync(e, ct).ConfigureAwait(false);
                }

                // Committed: the acknowledgements go out pipelined while the next group is verified and stored.
                await QueueAcksAsync(acks, ct).ConfigureAwait(false);
                Log.GroupStored(_logger, batches.Count, acks.Count);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping: whatever was not committed was not PUBACKed, and the broker delivers it again.
        }
    }

    /// <summary>True when a message is waiting; false when the sweep interval passed first.</summary>
    private async Task<bool> WaitToReadOrSweepAsync(CancellationToken ct)
    {
        if (_inbox.Reader.TryPeek(out _))
        {
            return true;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var wait = _inbox.Reader.WaitToReadAsync(timeout.Token).AsTask();
        var delay = Task.Delay(SweepInterval, _time, timeout.Token);
        var first = await Task.WhenAny(wait, delay).ConfigureAwait(false);
        await timeout.CancelAsync().ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
        return first == wait && wait.IsCompletedSuccessfully && wait.Result;
    }

    private async Task<IReadOnlyList<OutgoingAck>> StoreWithRetryAsync(Func<IReadOnlyList<OutgoingAck>> store, int count, CancellationToken ct)
    {
        while (true)
        {
            try
            {
                return store();
            }
            catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException)
            {
                Log.WriterFailed(_logger, count, (long)RetryDelay.TotalMilliseconds, e);
                await Task.Delay(RetryDelay, _time, ct).ConfigureAwait(false);
            }
            catch (Npgsql.PostgresException e) when (e.SqlState is Npgsql.PostgresErrorCodes.DeadlockDetected or Npgsql.PostgresErrorCodes.SerializationFailure)
            {
                // Another worker's transaction won: nothing of this group was kept; run it again at once.
                Log.WriterConflict(_logger, count, e.SqlState);
            }
            catch (Npgsql.PostgresException e)
            {
                Log.WriterFailed(_logger, count, (long)RetryDelay.TotalMilliseconds, e);
                await Task.Delay(RetryDelay, _time, ct).ConfigureAwait(false);
            }
            catch (Npgsql.NpgsqlException e) when (!ct.IsCancellationRequested)
            {
                // The connection itself failed: this worker stops (its service manager starts it again on a new one);
                // nothing of the group was acknowledged, so the broker or the devices send it again.
                Log.WorkerStoreLost(_logger, count, e);
                throw;
            }
        }
    }

    private async Task QueueAcksAsync(IReadOnlyList<OutgoingAck> acks, CancellationToken ct)
    {
        foreach (var a in acks)
        {
            await _replies.EnqueueAsync(new ReplyPublisher.Reply(a.Topic, BatchAck.Write(a.Ack)), ct).ConfigureAwait(false);
        }
    }

    private async Task AnswerClockAsync(MqttApplicationMessageReceivedEventArgs e, string product, string device, string topic)
    {
        if (!ClockSyncRequest.TryRead(e.ApplicationMessage.Payload.ToArray(), out var request))
        {
            Log.BadClockRequest(_logger, topic);
            await AcknowledgeAsync(e, CancellationToken.None).ConfigureAwait(false);
            return;
        }

        var reply = new ClockSyncReply { Boot = request!.Boot, MonoMs = request.MonoMs, HubMs = _time.GetUtcNow().ToUnixTimeMilliseconds() };
        try
        {
            await _replies.EnqueueAsync(new ReplyPublisher.Reply(Topics.Command(product, device, Topics.ClockCommand), ClockSyncReply.Write(reply), e), _stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Stopping: not answered, not PUBACKed; the broker delivers the request again (or the device asks at its next connect).
        }
    }

    /// <inheritdoc/>
    public async Task PublishRetainedAsync(string topic, byte[] payload, CancellationToken cancellationToken)
    {
        if (!_client.IsConnected)
        {
            throw new InvalidOperationException($"the hub is not connected to {_broker}");
        }

        var message = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithRetainFlag(true).Build();
        var result = await _client.PublishAsync(message, cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"the broker refused the message on {topic}: {result.ReasonCode} {result.ReasonString}");
        }
    }

    private async Task AcknowledgeAsync(MqttApplicationMessageReceivedEventArgs e, CancellationToken ct)
    {
        try
        {
            await e.AcknowledgeAsync(ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MqttCommunicationException or InvalidOperationException)
        {
            // The connection went: the broker delivers the message again, and it is then a harmless duplicate.
            Log.PublishFailed(_logger, e.ApplicationMessage.Topic, ex);
        }
    }
}
