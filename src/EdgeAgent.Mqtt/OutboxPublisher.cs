using System.Buffers;
using System.Threading.Channels;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Core.Ledger;
using EdgeAgent.Core.Outbox;
using EdgeAgent.Core.Time;
using EdgeAgent.Core.Updates;
using EdgeAgent.Mqtt.Acks;
using EdgeAgent.Mqtt.Connection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeAgent.Mqtt;

/// <summary>
/// Drains the device's outbox to the hub over MQTT. One task (this loop) owns the <see cref="IMqttClient"/>: it
/// connects with exponential backoff and full jitter, subscribes to the acknowledgement and clock-sync topics, syncs
/// the clock on every connect, and sends everything unacknowledged again after each reconnect. Records leave the outbox
/// only when the hub acknowledges them, never at the broker's PUBACK.
/// </summary>
public sealed class OutboxPublisher : BackgroundService
{
    private readonly IOutbox _outbox;
    private readonly ICheckpointSigner _signer;
    private readonly IClockSyncParty _party;
    private readonly AppendSignal _signal;
    private readonly MqttOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<OutboxPublisher> _logger;
    private readonly Backoff _backoff;
    private readonly Random _jitter;
    private readonly StatusBoard _status;
    private readonly string _clientId;
    private readonly IModelDirectiveSink? _directives;

    /// <param name="directives">Where model directives from <c>cmd/model</c> go; without it the topic is not subscribed.</param>
    public OutboxPublisher(
        IOutbox outbox,
        ICheckpointSigner signer,
        IClockSyncParty party,
        AppendSignal signal,
        IOptions<MqttOptions> options,
        TimeProvider time,
        ILogger<OutboxPublisher> logger,
        IModelDirectiveSink? directives = null)
        : this(outbox, signer, party, signal, options, time, logger, Random.Shared, directives)
    {
    }

    /// <summary>With the random source of the reconnect jitter (tests seed it).</summary>
    internal OutboxPublisher(
        IOutbox outbox,
        ICheckpointSigner signer,
        IClockSyncParty party,
        AppendSignal signal,
        IOptions<MqttOptions> options,
        TimeProvider time,
        ILogger<OutboxPublisher> logger,
        Random jitter,
        IModelDirectiveSink? directives = null)
    {
        _directives = directives;
        ArgumentNullException.ThrowIfNull(options);
        _outbox = outbox ?? throw new ArgumentNullException(nameof(outbox));
        _signer = signer ?? throw new ArgumentNullException(nameof(signer));
        _party = party ?? throw new ArgumentNullException(nameof(party));
        _signal = signal ?? throw new ArgumentNullException(nameof(signal));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _options = options.Value;
        _jitter = jitter ?? throw new ArgumentNullException(nameof(jitter));
        _backoff = new Backoff(_options.ReconnectMin, _options.ReconnectMax, jitter);
        _clientId = string.IsNullOrEmpty(_options.ClientId) ? _signer.DeviceId : _options.ClientId;
        _status = new StatusBoard(_options.Endpoint.ToString());
    }

    /// <summary>A consistent snapshot, readable from any thread.</summary>
    public PublisherStatus Status => _status.Snapshot;

    /// <summary>
    /// A clean stop first gives the hub <see cref="MqttOptions.DrainTimeout"/> to acknowledge everything recorded until
    /// now (the components that stop before the publisher write their last records), then stops the loop. Nothing is
    /// lost either way: what is not acknowledged stays in the outbox for the next start.
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_options.DrainTimeout > TimeSpan.Zero && _status.Snapshot.Connected)
        {
            var head = (await _outbox.HeadAsync(cancellationToken).ConfigureAwait(false)).Seq;
            using var drain = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            drain.CancelAfter(_options.DrainTimeout);
            try
            {
                await _status.WaitAsync(s => s.AckedSeq >= head || !s.Connected, drain.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                Log.DrainIncomplete(_logger, _status.Snapshot.AckedSeq, head, _options.DrainTimeout);
            }
        }

        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var broker = _options.Endpoint.ToString();
        var ackTopic = Topics.Ack(_signer.ProductId, _signer.DeviceId);
        var clockTopic = Topics.Command(_signer.ProductId, _signer.DeviceId, Topics.ClockCommand);
        var modelTopic = _directives is null ? null : Topics.Command(_signer.ProductId, _signer.DeviceId, Topics.ModelCommand);
        var inbox = Channel.CreateUnbounded<Inbound>(new UnboundedChannelOptions { SingleReader = true });
        var tracker = new AckTracker(_options.AckTimeout, _time, _jitter);
        var filter = new AckFilter(_signer.DeviceId, _logger);
        using var client = new MqttClientFactory().CreateMqttClient();

        // The handlers only hand messages to this loop: no work, no blocking on MQTTnet's receive path.
        client.ApplicationMessageReceivedAsync += e =>
        {
            var topic = e.ApplicationMessage.Topic;
            if (topic == ackTopic)
            {
                inbox.Writer.TryWrite(new Inbound.Ack(e.ApplicationMessage.Payload.ToArray()));
            }
            else if (topic == clockTopic)
            {
                inbox.Writer.TryWrite(new Inbound.ClockReply(e.ApplicationMessage.Payload.ToArray(), _party.MonoMs));
            }
            else if (topic == modelTopic)
            {
                inbox.Writer.TryWrite(new Inbound.ModelCommand(e.ApplicationMessage.Payload.ToArray()));
            }

            return Task.CompletedTask;
        };
        client.DisconnectedAsync += e =>
        {
            if (e.ClientWasConnected)
            {
                inbox.Writer.TryWrite(new Inbound.Disconnected(e.Exception?.Message ?? e.ReasonString ?? e.Reason.ToString()));
            }

            return Task.CompletedTask;
        };

        var sessions = 0L;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var connected = false;
                try
                {
                    await ConnectAsync(client, ackTopic, clockTopic, modelTopic, tracker, stoppingToken).ConfigureAwait(false);
                    connected = true;
                    _backoff.Reset();
                    sessions++;
                    var reconnects = sessions - 1;
                    _status.Update(s => s with { Connected = true, Reconnects = reconnects });
                    var session = new PublishSession(client, inbox.Reader, _outbox, _signer, _party, _signal, _options, tracker, filter, _status, _time, _logger, _directives);
                    await session.RunAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception e)
                {
                    RecordFailure(broker, connected, e);
                }

                _status.Update(s => s with { Connected = false });
                if (client.IsConnected)
                {
                    await DisconnectQuietlyAsync(client).ConfigureAwait(false);
                }

                await Task.Delay(_backoff.NextDelay(), _time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        finally
        {
            _status.Update(s => s with { Connected = false });
            if (client.IsConnected)
            {
                await DisconnectQuietlyAsync(client).ConfigureAwait(false);
            }

            Log.Stopped(_logger);
        }
    }

    private async Task ConnectAsync(IMqttClient client, string ackTopic, string clockTopic, string? modelTopic, AckTracker tracker, CancellationToken cancellationToken)
    {
        var result = await client.ConnectAsync(ClientOptions.Build(_options, _clientId), cancellationToken).ConfigureAwait(false);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new InvalidOperationException($"broker refused the connection: {result.ResultCode} {result.ReasonString}");
        }

        var builder = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(ackTopic, MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter(clockTopic, MqttQualityOfServiceLevel.AtLeastOnce);
        if (modelTopic is not null)
        {
            // Retained: the broker delivers the hub's current directive at every subscribe; the coordinator acts on it once.
            builder = builder.WithTopicFilter(modelTopic, MqttQualityOfServiceLevel.AtLeastOnce);
        }

        var subscribe = builder.Build();
        var subscribed = await client.SubscribeAsync(subscribe, cancellationToken).ConfigureAwait(false);
        foreach (var item in subscribed.Items)
        {
            if (item.ResultCode is not (MqttClientSubscribeResultCode.GrantedQoS0 or MqttClientSubscribeResultCode.GrantedQoS1 or MqttClientSubscribeResultCode.GrantedQoS2))
            {
                throw new InvalidOperationException($"broker refused the subscription to {item.TopicFilter.Topic}: {item.ResultCode}");
            }
        }

        Log.Connected(_logger, _options.Endpoint.ToString(), _clientId, result.IsSessionPresent, tracker.Acked);
    }

    private void RecordFailure(string broker, bool wasConnected, Exception e)
    {
        var reason = e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message;
        _status.Update(s => s with { LastError = reason });
        if (wasConnected)
        {
            Log.SessionLost(_logger, broker, reason);
        }
        else if (_backoff.Failures == 0)
        {
            Log.ConnectFailed(_logger, broker, reason);
        }
        else
        {
            Log.ConnectFailedAgain(_logger, broker, _backoff.Failures + 1, reason);
        }
    }

    private static async Task DisconnectQuietlyAsync(IMqttClient client)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Going away anyway: the broker keeps the session, and everything unacknowledged is sent again.
        }
    }
}
