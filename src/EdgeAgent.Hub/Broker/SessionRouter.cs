using System.Collections;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace EdgeAgent.Hub.Broker;

/// <summary>
/// Delivers the embedded broker's <c>ea/v1/...</c> traffic straight into the sessions subscribed to it, instead of
/// MQTTnet's dispatch. MQTTnet 5 checks every subscribed session for every message, each under its own lock: with
/// 10,000 devices connected each batch and each acknowledgement cost 10,000 checks, and the hub stored 92 records/s.
/// Here subscriptions are indexed by the device they name (<c>ea/v1/{product}/{device}/...</c>, which is what every
/// device subscribes to); any other filter (the ingestion's <c>ea/v1/+/+/evt</c>, a monitor's <c>#</c>) is checked for
/// every message, and there are few of them. So a message costs the filters of its own device plus the broad ones.
/// <para>
/// The subscriptions come from the server's own subscribe, unsubscribe, connect and session-deleted events, so the
/// index holds exactly what the sessions hold; a session is recognised by its items dictionary, which MQTTnet keeps for
/// a resumed session and makes anew for a clean start. The router steps aside, and MQTTnet dispatches as before, for a
/// retained message, a topic outside <c>ea/v1/</c>, a publish the access rules refused, and a matching session whose
/// handle it cannot resolve yet (a session that connected within the last refresh interval).
/// </para>
/// <para>
/// It also bounds what a session holds queued of device batches (<c>.../evt</c>): <see cref="QueueBudgetBytes"/> of
/// payload taken and not yet acknowledged by its client, and up to twice that for devices with nothing queued, one
/// batch each, so that no device starves (<see cref="QueueBudget"/>; ingestion acknowledges a
/// batch once stored, so this bounds its copies in the broker's queue, the socket and the client's receive queue too;
/// MQTTnet's server honours no MQTT 5 Receive Maximum, so nothing else would). A batch no session has room
/// for is refused with PUBACK reason <c>QuotaExceeded</c> (MQTT 5): its device keeps it, pauses and offers it again, so
/// a hub slower than its fleet holds a bounded queue instead of every device's resends (the 10-minute soak without this
/// bound was killed at 17 GB). Other traffic (acknowledgements, clock requests and replies, commands) is never refused.
/// </para>
/// </summary>
internal sealed class SessionRouter
{
    private const string Prefix = "ea/v1/";

    /// <summary>At most this often the server's session list (one object per session) is read to resolve new sessions.</summary>
    internal static readonly TimeSpan RefreshInterval = TimeSpan.FromMilliseconds(25);

    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly long _budget;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Subscription>> _byDevice = new(StringComparer.Ordinal);
    private readonly List<Subscription> _broad = [];
    private MqttServer? _server;
    private long _lastRefresh = long.MinValue;
    private long _routed;
    private long _fallbacks;
    private long _dropped;
    private long _refused;

    /// <param name="time">The clock of the session-list refresh interval.</param>
    /// <param name="logger">Where drops and refusals are told.</param>
    /// <param name="queueBudgetBytes">Most bytes of device batches one session holds taken and unacknowledged.</param>
    public SessionRouter(TimeProvider time, ILogger logger, long queueBudgetBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(queueBudgetBytes, 1);
        _time = time;
        _logger = logger;
        _budget = queueBudgetBytes;
    }

    /// <summary>Most bytes of device batches one session holds taken and not yet acknowledged by its client.</summary>
    public long QueueBudgetBytes => _budget;

    /// <summary>Copies of device batches not taken because the session's queue was over <see cref="QueueBudgetBytes"/>.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Messages delivered by the router (one per publish, however many sessions took it).</summary>
    public long Routed => Interlocked.Read(ref _routed);

    /// <summary>Messages left to MQTTnet's dispatch because a matching session was not resolved yet.</summary>
    public long Fallbacks => Interlocked.Read(ref _fallbacks);

    /// <summary>Copies a full session queue refused (<c>MaxPendingMessagesPerClient</c>), as MQTTnet's dispatch would drop them.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Hooks into the server; attach after the access checks, whose refusals it respects.</summary>
    public void Attach(MqttServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        _server = server;
        server.ValidatingConnectionAsync += e =>
        {
            if (e.CleanSession is not false)
            {
                OnCleanStartComing(e.ClientId);
            }

            return Task.CompletedTask;
        };
        server.ClientConnectedAsync += e =>
        {
            OnConnected(e.ClientId, e.SessionItems);
            return Task.CompletedTask;
        };
        server.ClientSubscribedTopicAsync += e =>
        {
            OnSubscribed(e.ClientId, e.SessionItems, e.TopicFilter.Topic, e.TopicFilter.QualityOfServiceLevel);
            return Task.CompletedTask;
        };
        server.ClientUnsubscribedTopicAsync += e =>
        {
            OnUnsubscribed(e.ClientId, e.SessionItems, e.TopicFilter);
            return Task.CompletedTask;
        };
        server.SessionDeletedAsync += e =>
        {
            OnDeleted(e.Id, e.SessionItems);
            return Task.CompletedTask;
        };
        server.InterceptingPublishAsync += e =>
        {
            Route(e);
            return Task.CompletedTask;
        };
        server.ClientAcknowledgedPublishPacketAsync += e =>
        {
            Release(e.ClientId, e.SessionItems, e.PublishPacket);
            return Task.CompletedTask;
        };
        server.QueuedApplicationMessageOverwrittenAsync += e =>
        {
            if (e.Packet is MQTTnet.Packets.MqttPublishPacket dropped)
            {
                Release(e.ReceiverClientId, null, dropped); // MaxPendingMessagesPerClient reached: MQTTnet dropped its oldest
            }

            return Task.CompletedTask;
        };
    }

    /// <summary>A batch the client acknowledged, or MQTTnet dropped, leaves the session's count; null items: whichever session the client has.</summary>
    private void Release(string clientId, IDictionary? items, MQTTnet.Packets.MqttPublishPacket packet)
    {
        if (packet.QualityOfServiceLevel == MqttQualityOfServiceLevel.AtMostOnce || !IsBatch(packet.Topic))
        {
            return;
        }

        Session? session;
        lock (_gate)
        {
            if (!_sessions.TryGetValue(clientId, out session) || (items is not null && !ReferenceEquals(session.Items, items)))
            {
                return;
            }
        }

        session.Queue.Release(DeviceKey(packet.Topic, isFilter: false)!, packet.Payload.Length);
    }

    /// <summary>
    /// A clean start replaces the session before <c>ClientConnectedAsync</c> tells of it (the CONNACK goes first): until
    /// then the old session's handle would take messages into a session that is gone, so its traffic is MQTTnet's.
    /// </summary>
    private void OnCleanStartComing(string clientId)
    {
        lock (_gate)
        {
            if (_sessions.TryGetValue(clientId, out var session))
            {
                session.Status = null;
                session.Replacing = true;
            }
        }
    }

    private void OnConnected(string clientId, IDictionary items)
    {
        lock (_gate)
        {
            var session = SessionFor(clientId, items);
            session.Replacing = false; // the session the server now holds for it, old or new
            session.Queue.Reset();
        }
    }

    private void OnSubscribed(string clientId, IDictionary items, string filter, MqttQualityOfServiceLevel qos)
    {
        lock (_gate)
        {
            var session = SessionFor(clientId, items);
            Remove(session, filter);
            var subscription = new Subscription(session, filter, qos);
            session.Subscriptions.Add(subscription);
            Index(subscription);
        }
    }

    private void OnUnsubscribed(string clientId, IDictionary items, string filter)
    {
        lock (_gate)
        {
            if (_sessions.TryGetValue(clientId, out var session) && ReferenceEquals(session.Items, items))
            {
                Remove(session, filter);
            }
        }
    }

    private void OnDeleted(string clientId, IDictionary items)
    {
        lock (_gate)
        {
            if (_sessions.TryGetValue(clientId, out var session) && ReferenceEquals(session.Items, items))
            {
                Forget(session);
            }
        }
    }

    /// <summary>The session the server holds for <paramref name="clientId"/>: the known one, or a new one when its items changed (clean start).</summary>
    private Session SessionFor(string clientId, IDictionary items)
    {
        if (_sessions.TryGetValue(clientId, out var known))
        {
            if (ReferenceEquals(known.Items, items))
            {
                return known;
            }

            Forget(known); // a clean start: MQTTnet dropped the old session and its subscriptions without an event
        }

        var session = new Session(clientId, items, _budget);
        _sessions[clientId] = session;
        return session;
    }

    private void Forget(Session session)
    {
        foreach (var subscription in session.Subscriptions)
        {
            Unindex(subscription);
        }

        session.Subscriptions.Clear();
        _sessions.Remove(session.ClientId);
    }

    private void Remove(Session session, string filter)
    {
        var index = session.Subscriptions.FindIndex(s => s.Filter == filter);
        if (index >= 0)
        {
            Unindex(session.Subscriptions[index]);
            session.Subscriptions.RemoveAt(index);
        }
    }

    private void Index(Subscription subscription)
    {
        if (DeviceKey(subscription.Filter, isFilter: true) is not { } key)
        {
            _broad.Add(subscription);
        }
        else if (_byDevice.TryGetValue(key, out var list))
        {
            list.Add(subscription);
        }
        else
        {
            _byDevice[key] = [subscription];
        }
    }

    private void Unindex(Subscription subscription)
    {
        if (DeviceKey(subscription.Filter, isFilter: true) is not { } key)
        {
            _broad.Remove(subscription);
        }
        else if (_byDevice.TryGetValue(key, out var list) && list.Remove(subscription) && list.Count == 0)
        {
            _byDevice.Remove(key);
        }
    }

    /// <summary><c>ea/v1/{product}/{device}</c> of a topic or of a filter naming one device (no wildcard in those levels); otherwise null.</summary>
    internal static string? DeviceKey(string topic, bool isFilter)
    {
        if (!topic.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var product = topic.IndexOf('/', Prefix.Length);
        var device = product < 0 ? -1 : topic.IndexOf('/', product + 1);
        if (device < 0)
        {
            return null;
        }

        var key = topic[..device];
        return isFilter && key.AsSpan(Prefix.Length).IndexOfAny('+', '#') >= 0 ? null : key;
    }

    private void Route(InterceptingPublishEventArgs e)
    {
        var message = e.ApplicationMessage;
        if (!e.ProcessPublish || message is null || message.Retain || DeviceKey(message.Topic, isFilter: false) is not { } key)
        {
            return;
        }

        var targets = Match(message.Topic, key);
        if (targets is null && Refresh())
        {
            targets = Match(message.Topic, key);
        }

        if (targets is null)
        {
            Interlocked.Increment(ref _fallbacks);
            return;
        }

        var batch = IsBatch(message.Topic);
        var size = message.Payload.Length;
        int taken = 0, full = 0;
        foreach (var (session, status, qos) in targets)
        {
            // Only what the client will acknowledge (QoS 1 and 2) is counted, and released at its acknowledgement.
            var counted = batch && qos > MqttQualityOfServiceLevel.AtMostOnce;
            if (counted && !session.Queue.TryReserve(key, size))
            {
                full++;
                Interlocked.Increment(ref _refused);
                if (session.StartOverflow())
                {
                    Log.SessionQueueFull(_logger, status.Id, session.Queue.QueuedBytes, _budget);
                }

                continue;
            }

            var copy = qos >= message.QualityOfServiceLevel ? message : Copy(message, qos);
            if (!status.TryEnqueueApplicationMessage(copy, out _))
            {
                if (counted)
                {
                    session.Queue.Release(key, size);
                }

                Interlocked.Increment(ref _dropped);
                Log.RoutedMessageDropped(_logger, status.Id, message.Topic);
                continue;
            }

            taken++;
            if (counted && session.EndOverflow() is { } refused)
            {
                Log.SessionQueueAccepting(_logger, status.Id, refused);
            }
        }

        e.ProcessPublish = false; // delivered: MQTTnet's dispatch would check every session again
        if (taken == 0 && full > 0)
        {
            // No subscriber had room: the device keeps the batch and offers it again after a pause.
            e.Response.ReasonCode = MqttPubAckReasonCode.QuotaExceeded;
            e.Response.ReasonString = "the hub's queue is full; send this batch again later";
        }
        else if (targets.Count == 0 && e.Response.ReasonCode == MqttPubAckReasonCode.Success)
        {
            e.Response.ReasonCode = MqttPubAckReasonCode.NoMatchingSubscribers; // what MQTTnet answers too
        }

        Interlocked.Increment(ref _routed);
    }

    /// <summary>A device batch (<c>ea/v1/{product}/{device}/evt</c>), the traffic the queue budget bounds.</summary>
    private static bool IsBatch(string topic) => topic.EndsWith("/evt", StringComparison.Ordinal) && topic.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>Each subscribed session's handle and the QoS it gets (the highest of its matching filters, at most the message's); null if one is unresolved.</summary>
    private List<(Session Session, MqttSessionStatus Status, MqttQualityOfServiceLevel Qos)>? Match(string topic, string key)
    {
        var targets = new List<(Session Session, MqttSessionStatus Status, MqttQualityOfServiceLevel Qos)>(2);
        lock (_gate)
        {
            if (_byDevice.TryGetValue(key, out var own) && !Collect(own, topic, targets))
            {
                return null;
            }

            return Collect(_broad, topic, targets) ? targets : null;
        }
    }

    private static bool Collect(List<Subscription> subscriptions, string topic, List<(Session Session, MqttSessionStatus Status, MqttQualityOfServiceLevel Qos)> targets)
    {
        foreach (var subscription in subscriptions)
        {
            if (MqttTopicFilterComparer.Compare(topic, subscription.Filter) != MqttTopicFilterCompareResult.IsMatch)
            {
                continue;
            }

            if (subscription.Session.Status is not { } status)
            {
                return false;
            }

            var index = targets.FindIndex(t => ReferenceEquals(t.Status, status));
            if (index < 0)
            {
                targets.Add((subscription.Session, status, subscription.Qos));
            }
            else if (subscription.Qos > targets[index].Qos)
            {
                targets[index] = (subscription.Session, status, subscription.Qos);
            }
        }

        return true;
    }

    /// <summary>Resolves the handles of sessions that lack one from the server's session list; false if it ran too recently or resolved nothing.</summary>
    private bool Refresh()
    {
        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastRefresh);
        if (_server is null || (last != long.MinValue && _time.GetElapsedTime(last, now) < RefreshInterval) || Interlocked.CompareExchange(ref _lastRefresh, now, last) != last)
        {
            return false;
        }

        var all = _server.GetSessionsAsync().GetAwaiter().GetResult(); // completes synchronously: a copy under the server's read lock
        var resolved = 0;
        lock (_gate)
        {
            foreach (var status in all)
            {
                if (_sessions.TryGetValue(status.Id, out var session) && session.Status is null && !session.Replacing && ReferenceEquals(status.Items, session.Items))
                {
                    session.Status = status;
                    resolved++;
                }
            }
        }

        return resolved > 0;
    }

    /// <summary>The message at a subscription's lower QoS.</summary>
    private static MqttApplicationMessage Copy(MqttApplicationMessage message, MqttQualityOfServiceLevel qos) => new()
    {
        Topic = message.Topic,
        Payload = message.Payload,
        QualityOfServiceLevel = qos,
        ContentType = message.ContentType,
        CorrelationData = message.CorrelationData,
        ResponseTopic = message.ResponseTopic,
        PayloadFormatIndicator = message.PayloadFormatIndicator,
        MessageExpiryInterval = message.MessageExpiryInterval,
        UserProperties = message.UserProperties,
    };

    private sealed class Session(string clientId, IDictionary items, long budget)
    {
        public string ClientId { get; } = clientId;

        public IDictionary Items { get; } = items;

        public List<Subscription> Subscriptions { get; } = [];

        /// <summary>The server's handle to enqueue into, once resolved.</summary>
        public MqttSessionStatus? Status { get; set; }

        /// <summary>A clean start of this client id was asked for: not resolved again until the connect is told (a refused one leaves it to MQTTnet).</summary>
        public bool Replacing { get; set; }

        private long _refusedStreak;

        /// <summary>The device batches taken for this session and not yet acknowledged by its client.</summary>
        public QueueBudget Queue { get; } = new(budget);

        /// <summary>Counts a refusal; true for the first of a streak.</summary>
        public bool StartOverflow() => Interlocked.Increment(ref _refusedStreak) == 1;

        /// <summary>After a refusal streak, how many were refused; null when there was none.</summary>
        public long? EndOverflow()
        {
            var refused = Interlocked.Exchange(ref _refusedStreak, 0);
            return refused > 0 ? refused : null;
        }
    }

    private sealed record Subscription(Session Session, string Filter, MqttQualityOfServiceLevel Qos);
}
