using System.Threading.Channels;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Core.Ledger;
using EdgeAgent.Core.Outbox;
using EdgeAgent.Core.Time;
using EdgeAgent.Mqtt.Acks;
using EdgeAgent.Mqtt.Batching;
using EdgeAgent.Mqtt.ClockSync;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeAgent.Mqtt;

/// <summary>
/// One connected session, run by the publisher's single loop: sends the outbox after the acknowledged seq in batches,
/// handles acknowledgements and the clock-sync reply handed over by the receive handler, and sleeps while idle.
/// Returns when the connection is lost; throws when a publish fails.
/// </summary>
internal sealed class PublishSession(
    IMqttClient client,
    ChannelReader<Inbound> inbox,
    IOutbox outbox,
    ICheckpointSigner signer,
    IClockSyncParty party,
    AppendSignal signal,
    MqttOptions options,
    AckTracker tracker,
    AckFilter filter,
    StatusBoard status,
    TimeProvider time,
    ILogger logger,
    EdgeAgent.Core.Updates.IModelDirectiveSink? directives = null)
{
    private readonly BatchPlanner _planner = new(signer, options.BatchMaxBytes);
    private readonly ClockSyncExchange _clock = new();
    private readonly string _eventsTopic = Topics.Events(signer.ProductId, signer.DeviceId);
    private readonly string _clockTopic = Topics.Clock(signer.ProductId, signer.DeviceId);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        tracker.StartSession(await outbox.AcknowledgedAsync(cancellationToken).ConfigureAwait(false));
        UpdateCursor();
        var request = _clock.Begin(party.Boot, party.MonoMs);
        _ = await PublishAsync(_clockTopic, ClockSyncRequest.Write(request), cancellationToken).ConfigureAwait(false); // never over quota: only batches are

        var woke = false;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            while (inbox.TryRead(out var message))
            {
                if (!await HandleAsync(message, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }
            }

            if (tracker.AckTimedOut())
            {
                Log.AckTimeout(logger, tracker.Timeout, tracker.Acked, tracker.Cursor, tracker.Acked + 1);
                tracker.TimedOut();
                UpdateCursor();
            }

            var knownHead = signal.Head;
            var pending = false;
            if (tracker.CanSend(options.MaxInFlightBatches))
            {
                if (woke && knownHead - tracker.Cursor < options.BatchMaxRecords && options.BatchMaxDelay > TimeSpan.Zero)
                {
                    // A record is pending: let the batch fill for a moment before reading it.
                    await Task.Delay(options.BatchMaxDelay, time, cancellationToken).ConfigureAwait(false);
                    knownHead = signal.Head;
                }

                woke = false;
                var entries = await outbox.ReadAsync(tracker.Cursor, options.BatchMaxRecords, cancellationToken).ConfigureAwait(false);
                if (entries.Count > 0)
                {
                    await SendAsync(entries, cancellationToken).ConfigureAwait(false);
                    continue;
                }
            }
            else
            {
                pending = true;
            }

            woke = await WaitAsync(pending ? null : Math.Max(tracker.Cursor, knownHead), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task SendAsync(IReadOnlyList<OutboxRecord> entries, CancellationToken cancellationToken)
    {
        foreach (var batch in _planner.Plan(entries))
        {
            if (!tracker.CanSend(options.MaxInFlightBatches))
            {
                break;
            }

            if (!await PublishAsync(_eventsTopic, batch.Payload, cancellationToken).ConfigureAwait(false))
            {
                // The hub's queue is full: this batch was not taken (the cursor stays before it); pause, then offer it again.
                var pause = tracker.Refused();
                Log.BatchRefused(logger, batch.FirstSeq, batch.LastSeq, tracker.Refusals, pause);
                status.Update(s => s with { BatchesRefused = s.BatchesRefused + 1 });
                break;
            }

            tracker.Sent(batch.LastSeq);
            Log.BatchPublished(logger, batch.FirstSeq, batch.LastSeq, batch.Entries, batch.Payload.Length);
            status.Update(s => s with { SentSeq = tracker.Cursor, BatchesSent = s.BatchesSent + 1, RecordsSent = s.RecordsSent + batch.Entries });
        }
    }

    /// <summary>Sleeps until a message arrives, a record after <paramref name="appendedAfter"/> is appended (if given), or the ack timeout; true when woken by an append.</summary>
    private async Task<bool> WaitAsync(long? appendedAfter, CancellationToken cancellationToken)
    {
        var wake = tracker.UntilWake();
        if (appendedAfter is null && wake is null)
        {
            // Not sending, yet neither a timeout nor a pause pending: the pause after a refusal ended since CanSend looked
            // (full jitter draws pauses of a few milliseconds). Waiting now would wait for an acknowledgement with
            // nothing in flight: under load 28 of 3,000 edgesim devices stalled so for good.
            return false;
        }

        using var losers = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var message = inbox.WaitToReadAsync(losers.Token).AsTask();
        var append = appendedAfter is { } after ? signal.WaitAsync(after, losers.Token) : null;
        var timeout = wake is { } left ? Task.Delay(left, time, losers.Token) : null;
        var waits = new List<Task>(3) { message };
        if (append is not null)
        {
            waits.Add(append);
        }

        if (timeout is not null)
        {
            waits.Add(timeout);
        }

        var first = await Task.WhenAny(waits).ConfigureAwait(false);
        await losers.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(waits).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        cancellationToken.ThrowIfCancellationRequested();
        return append is not null && first == append && append.IsCompletedSuccessfully;
    }

    /// <summary>False when the session is over.</summary>
    private async Task<bool> HandleAsync(Inbound message, CancellationToken cancellationToken)
    {
        switch (message)
        {
            case Inbound.Disconnected d:
                if (client.IsConnected)
                {
                    return true; // left over from an earlier session
                }

                Log.SessionLost(logger, options.Endpoint.ToString(), d.Reason);
                status.Update(s => s with { Connected = false, LastError = d.Reason });
                return false;
            case Inbound.Ack a:
                await HandleAckAsync(a.Payload, cancellationToken).ConfigureAwait(false);
                return true;
            case Inbound.ClockReply c:
                await HandleClockReplyAsync(c, cancellationToken).ConfigureAwait(false);
                return true;
            case Inbound.ModelCommand m:
                HandleModelCommand(m.Payload);
                return true;
            default:
                return true;
        }
    }

    private async Task HandleAckAsync(byte[] payload, CancellationToken cancellationToken)
    {
        if (filter.Accept(payload) is not { } ack)
        {
            status.Update(s => s with { IgnoredAcks = filter.Ignored });
            return;
        }

        var effect = tracker.OnAck(ack);
        if (effect.ClampedFrom is { } above)
        {
            Log.AckAboveSent(logger, above, tracker.HighestSent);
        }

        if (effect.AcknowledgeUpTo is { } upTo)
        {
            await outbox.AcknowledgeAsync(upTo, cancellationToken).ConfigureAwait(false);
            Log.Acknowledged(logger, upTo);
            var at = time.GetUtcNow();
            status.Update(s => s with { AckedSeq = upTo, LastAckAt = at, SentSeq = tracker.Cursor });
        }

        if (effect.Rewound)
        {
            Log.GapRewind(logger, ack.AckedSeq, tracker.HighestSent, tracker.Acked + 1);
            UpdateCursor();
        }
    }

    private async Task HandleClockReplyAsync(Inbound.ClockReply reply, CancellationToken cancellationToken)
    {
        if (!ClockSyncReply.TryRead(reply.Payload, out var answer) || _clock.Complete(answer!, reply.ReceivedMonoMs) is not { } sample)
        {
            Log.ClockReplyIgnored(logger);
            return;
        }

        await party.RecordAsync(sample, cancellationToken).ConfigureAwait(false);
        Log.ClockSynced(logger, sample.Boot, sample.OffsetMs, sample.ErrorMs);
    }

    private void HandleModelCommand(byte[] payload)
    {
        if (payload.Length == 0)
        {
            return; // the hub cleared its retained directive
        }

        if (Contracts.Releases.ModelDirective.TryParse(payload, out var error) is not { } directive)
        {
            Log.DirectiveIgnored(logger, error!);
            return;
        }

        Log.DirectiveReceived(logger, directive.Campaign, directive.Action, directive.Name, directive.Version);
        directives?.Offer(directive);
    }

    private void UpdateCursor() => status.Update(s => s with { SentSeq = tracker.Cursor, AckedSeq = tracker.Acked });

    /// <summary>Publishes at QoS 1; false when the broker refused it as over quota (a full hub queue), which is no failure.</summary>
    private async Task<bool> PublishAsync(string topic, byte[] payload, CancellationToken cancellationToken)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        var result = await client.PublishAsync(message, cancellationToken).ConfigureAwait(false);
        // PUBACK only says the broker has it; the outbox moves on the hub's acknowledgement, never here.
        if (result.ReasonCode == MqttClientPublishReasonCode.QuotaExceeded)
        {
            return false;
        }

        if (!result.IsSuccess && result.ReasonCode != MqttClientPublishReasonCode.NoMatchingSubscribers)
        {
            throw new InvalidOperationException($"broker refused the publish on {topic}: {result.ReasonCode} {result.ReasonString}");
        }

        return true;
    }
}
