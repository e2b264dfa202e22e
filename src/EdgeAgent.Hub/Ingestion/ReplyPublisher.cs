using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Protocol;

namespace EdgeAgent.Hub.Ingestion;

/// <summary>
/// Sends the hub's acknowledgements and clock-sync replies (QoS 1) pipelined: up to <see cref="MaxInFlight"/>
/// publishes wait for the broker's PUBACK at once, and nobody who queues one waits for it. Measured at 2,000 devices on
/// the embedded broker, a writer that awaited each group's acknowledgements spent half its time on the broker's
/// confirmations (about 200 ms per group of 256), and clock requests answered one by one inline stalled it 15 s during
/// the connection storm (175 ms each); both now only queue here.
/// <para>
/// An acknowledgement names only seqs already committed (it is queued after the commit), so sending it later or losing
/// it in a crash is safe: the device keeps those records and sends them again after its acknowledgement timeout, and
/// the hub answers the replay. A clock-sync request is PUBACKed only once its reply has been confirmed by the broker
/// (<see cref="Reply.Then"/>), so a hub that dies before answering gets the request again.
/// </para>
/// <para>
/// The queue is bounded (back-pressure on the writer and the receive path if the broker stops confirming) and cannot
/// deadlock with the ingestion's inbox: MQTTnet's client reads PUBACKs on its receive loop, which only hands received
/// messages to a queue of its own and never waits for our handlers.
/// </para>
/// </summary>
internal sealed class ReplyPublisher : IDisposable
{
    /// <summary>Publishes awaiting the broker's PUBACK at once (well under MQTT's 65,535 packet identifiers).</summary>
    public const int MaxInFlight = 1024;

    /// <summary>Replies queued before whoever queues one waits: about four groups of acknowledgements for every device of a 10,000-device fleet.</summary>
    public const int QueueCapacity = 65_536;

    private readonly IMqttClient _client;
    private readonly ILogger _logger;
    private readonly Channel<Reply> _queue = Channel.CreateBounded<Reply>(new BoundedChannelOptions(QueueCapacity) { SingleReader = true });
    private readonly SemaphoreSlim _inFlight = new(MaxInFlight, MaxInFlight);

    public ReplyPublisher(IMqttClient client, ILogger logger)
    {
        _client = client;
        _logger = logger;
    }

    /// <summary>A message for a device; <paramref name="Then"/> (a clock request) is PUBACKed once the broker has the reply.</summary>
    public sealed record Reply(string Topic, byte[] Payload, MqttApplicationMessageReceivedEventArgs? Then = null);

    /// <summary>Queues a reply; waits only while <see cref="QueueCapacity"/> replies are queued.</summary>
    public ValueTask EnqueueAsync(Reply reply, CancellationToken ct) => _queue.Writer.WriteAsync(reply, ct);

    /// <summary>Sends queued replies until stopped, at most <see cref="MaxInFlight"/> unconfirmed at once.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var reply in _queue.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                await _inFlight.WaitAsync(ct).ConfigureAwait(false);
                _ = SendAsync(reply, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping: unsent acknowledgements are recovered by the devices' timeouts; unanswered clock requests were not PUBACKed.
        }
    }

    public void Dispose() => _inFlight.Dispose();

    private async Task SendAsync(Reply reply, CancellationToken ct)
    {
        try
        {
            var message = new MqttApplicationMessageBuilder().WithTopic(reply.Topic).WithPayload(reply.Payload)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
            await _client.PublishAsync(message, ct).ConfigureAwait(false);
            if (reply.Then is { } request)
            {
                await request.AcknowledgeAsync(ct).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is MqttCommunicationException or InvalidOperationException)
        {
            Log.PublishFailed(_logger, reply.Topic, e);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            _inFlight.Release();
        }
    }
}
