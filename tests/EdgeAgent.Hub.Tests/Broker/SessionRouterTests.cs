using System.Collections.Concurrent;
using System.Net;
using EdgeAgent.Hub.Broker;
using EdgeAgent.Hub.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace EdgeAgent.Hub.Tests.Broker;

/// <summary>
/// The embedded broker's router on a real MQTTnet server with real clients over TCP: it delivers what MQTTnet would
/// (filters, QoS, unsubscribe, clean start, resumed sessions) without MQTTnet's every-session dispatch, and steps aside
/// where it must. MQTTnet's <c>InterceptingClientEnqueueAsync</c> fires only in its own dispatch, so it tells who delivered.
/// </summary>
public sealed class SessionRouterTests : IAsyncLifetime
{
    private const string Evt = "ea/v1/smart-glasses/GL-1/evt";
    private const string Ack = "ea/v1/smart-glasses/GL-1/ack";
    private const int Budget = 1000;

    private readonly FakeTimeProvider _time = new();
    private readonly ConcurrentQueue<string> _dispatchedByMqttnet = new();
    private readonly List<IMqttClient> _clients = [];
    private MqttServer _server = null!;
    private SessionRouter _router = null!;
    private int _port;
    private TimeSpan _connectedEventDelay;

    public async Task InitializeAsync()
    {
        _port = HubUnderTest.FreePort();
        var options = new MqttServerOptionsBuilder().WithDefaultEndpoint().WithDefaultEndpointBoundIPAddress(IPAddress.Loopback)
            .WithDefaultEndpointPort(_port).WithPersistentSessions().Build();
        _server = new MqttServerFactory().CreateMqttServer(options);
        _server.InterceptingPublishAsync += e =>
        {
            if (e.ApplicationMessage.Topic.EndsWith("/refused", StringComparison.Ordinal))
            {
                e.ProcessPublish = false; // as BrokerAccess refuses a topic; attached before the router, like the broker does
                e.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
            }

            return Task.CompletedTask;
        };
        _server.ClientConnectedAsync += async _ => await Task.Delay(_connectedEventDelay); // runs before the router's handler
        _router = new SessionRouter(_time, NullLogger.Instance, Budget);
        _router.Attach(_server);
        _server.InterceptingClientEnqueueAsync += e =>
        {
            _dispatchedByMqttnet.Enqueue($"{e.ReceiverClientId} {e.ApplicationMessage.Topic}");
            return Task.CompletedTask;
        };
        await _server.StartAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        await _server.StopAsync();
        _server.Dispose();
    }

    [Fact]
    public async Task DeviceAndBroadSubscribers_GetTheMessage_OthersDoNot_AndMqttnetDispatchesNothing()
    {
        var (device, deviceInbox) = await ConnectAsync("GL-1");
        var (ingestion, ingestionInbox) = await ConnectAsync("hub");
        var (monitor, monitorInbox) = await ConnectAsync("monitor");
        var (other, otherInbox) = await ConnectAsync("GL-2");
        await device.SubscribeAsync(Ack, MqttQualityOfServiceLevel.AtLeastOnce);
        await ingestion.SubscribeAsync("ea/v1/+/+/evt", MqttQualityOfServiceLevel.AtLeastOnce);
        await monitor.SubscribeAsync("ea/v1/#", MqttQualityOfServiceLevel.AtMostOnce);
        await monitor.SubscribeAsync("ea/v1/smart-glasses/+/evt", MqttQualityOfServiceLevel.AtLeastOnce); // two filters: one copy, the higher QoS
        await other.SubscribeAsync("ea/v1/smart-glasses/GL-2/ack", MqttQualityOfServiceLevel.AtLeastOnce);
        _time.Advance(SessionRouter.RefreshInterval);

        var evt = await device.PublishAsync(Message(Evt, "batch"));
        var ack = await ingestion.PublishAsync(Message(Ack, "acked 1"));

        Assert.Equal(MqttClientPublishReasonCode.Success, evt.ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.Success, ack.ReasonCode);
        Assert.Equal(["batch"], await ingestionInbox.TakeAsync(1));
        Assert.Equal(["acked 1"], await deviceInbox.TakeAsync(1));
        var seen = await monitorInbox.TakeAsync(2);
        Assert.Equal(["batch", "acked 1"], seen);
        Assert.Equal([MqttQualityOfServiceLevel.AtLeastOnce, MqttQualityOfServiceLevel.AtMostOnce], monitorInbox.Qos.Take(2));
        await Task.Delay(200);
        Assert.Empty(otherInbox.Received);
        Assert.Equal(2, monitorInbox.Received.Count); // one copy per message, though two of its filters match the batch
        Assert.Equal(2, _router.Routed);
        Assert.Equal(0, _router.Fallbacks);
        Assert.Empty(_dispatchedByMqttnet);
    }

    [Fact]
    public async Task SubscriberAtQos0_GetsAQos1PublishAtQos0()
    {
        var (device, inbox) = await ConnectAsync("GL-1");
        var (ingestion, _) = await ConnectAsync("hub");
        await device.SubscribeAsync(Ack, MqttQualityOfServiceLevel.AtMostOnce);
        _time.Advance(SessionRouter.RefreshInterval);

        await ingestion.PublishAsync(Message(Ack, "acked"));

        Assert.Equal(["acked"], await inbox.TakeAsync(1));
        Assert.Equal(MqttQualityOfServiceLevel.AtMostOnce, inbox.Qos.Single());
    }

    [Fact]
    public async Task AfterUnsubscribe_NothingIsDelivered_AndThePublisherHearsNoMatchingSubscribers()
    {
        var (device, inbox) = await ConnectAsync("GL-1");
        var (ingestion, _) = await ConnectAsync("hub");
        await device.SubscribeAsync(Ack, MqttQualityOfServiceLevel.AtLeastOnce);
        _time.Advance(SessionRouter.RefreshInterval);
        await ingestion.PublishAsync(Message(Ack, "first"));
        Assert.Equal(["first"], await inbox.TakeAsync(1));

        await device.UnsubscribeAsync(Ack);
        var second = await ingestion.PublishAsync(Message(Ack, "second"));

        Assert.Equal(MqttClientPublishReasonCode.NoMatchingSubscribers, second.ReasonCode);
        await Task.Delay(200);
        Assert.Equal(["first"], inbox.Received);
        Assert.Empty(_dispatchedByMqttnet);
    }

    [Fact]
    public async Task ResumedSession_KeepsItsSubscriptionAndGetsWhatWasSentWhileAway_CleanStartDoesNot()
    {
        var (device, _) = await ConnectAsync("GL-1", cleanStart: false);
        var (ingestion, _) = await ConnectAsync("hub");
        await device.SubscribeAsync(Ack, MqttQualityOfServiceLevel.AtLeastOnce);
        _time.Advance(SessionRouter.RefreshInterval);
        await device.DisconnectAsync();

        await ingestion.PublishAsync(Message(Ack, "while away"));
        var (_, resumedInbox) = await ConnectAsync("GL-1", cleanStart: false);
        Assert.Equal(["while away"], await resumedInbox.TakeAsync(1));

        _clients[^1].Dispose();
        _connectedEventDelay = TimeSpan.FromMilliseconds(500); // the CONNACK goes out before the server tells of the connect
        var (clean, cleanInbox) = await ConnectAsync("GL-1", cleanStart: true); // a new session: no subscription until it subscribes
        var unheard = await ingestion.PublishAsync(Message(Ack, "before subscribing")); // in that window: not into the old session
        _connectedEventDelay = TimeSpan.Zero;
        await clean.SubscribeAsync(Ack, MqttQualityOfServiceLevel.AtLeastOnce);
        _time.Advance(SessionRouter.RefreshInterval);
        await ingestion.PublishAsync(Message(Ack, "after subscribing"));

        Assert.Equal(MqttClientPublishReasonCode.NoMatchingSubscribers, unheard.ReasonCode);
        Assert.Equal(["after subscribing"], await cleanInbox.TakeAsync(1));
        Assert.Empty(_dispatchedByMqttnet);
        Assert.Equal(1, _router.Fallbacks); // "before subscribing", left to MQTTnet, which found no subscriber either
    }

    [Fact]
    public async Task RetainedOutsideTheSchemeAndRefused_AreLeftToMqttnet()
    {
        var (device, _) = await ConnectAsync("GL-1");
        var (monitor, inbox) = await ConnectAsync("monitor");
        await monitor.SubscribeAsync("#", MqttQualityOfServiceLevel.AtLeastOnce);
        _time.Advance(SessionRouter.RefreshInterval);

        await device.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("ea/v1/smart-glasses/GL-1/state").WithPayload("on").WithRetainFlag()
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        await device.PublishAsync(Message("plant/line-3/temperature", "21.5"));
        var refused = await device.PublishAsync(Message("ea/v1/smart-glasses/GL-1/refused", "no"));

        Assert.Equal(["on", "21.5"], await inbox.TakeAsync(2));
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, refused.ReasonCode);
        Assert.Equal(["monitor ea/v1/smart-glasses/GL-1/state", "monitor plant/line-3/temperature"], _dispatchedByMqttnet);
        Assert.Equal(0, _router.Routed);
        var (late, lateInbox) = await ConnectAsync("late");
        await late.SubscribeAsync("ea/v1/+/+/state", MqttQualityOfServiceLevel.AtLeastOnce);
        Assert.Equal(["on"], await lateInbox.TakeAsync(1)); // the broker kept it as retained
    }

    [Fact]
    public async Task SessionNotResolvedYet_WithinTheRefreshInterval_IsLeftToMqttnet_ThenRouted()
    {
        var (ingestion, _) = await ConnectAsync("hub");
        var (first, firstInbox) = await ConnectAsync("GL-1");
        await first.SubscribeAsync(Ack, MqttQualityOfServiceLevel.AtLeastOnce);
        await ingestion.PublishAsync(Message(Ack, "resolved by a refresh")); // the first refresh may run at once
        var (second, secondInbox) = await ConnectAsync("GL-2");
        await second.SubscribeAsync("ea/v1/smart-glasses/GL-2/ack", MqttQualityOfServiceLevel.AtLeastOnce);

        await ingestion.PublishAsync(Message("ea/v1/smart-glasses/GL-2/ack", "within the interval")); // the clock has not moved: no refresh
        _time.Advance(SessionRouter.RefreshInterval);
        await ingestion.PublishAsync(Message("ea/v1/smart-glasses/GL-2/ack", "after it"));

        Assert.Equal(["resolved by a refresh"], await firstInbox.TakeAsync(1));
        Assert.Equal(["within the interval", "after it"], await secondInbox.TakeAsync(2));
        Assert.Equal(["GL-2 ea/v1/smart-glasses/GL-2/ack"], _dispatchedByMqttnet);
        Assert.Equal(1, _router.Fallbacks);
        Assert.Equal(2, _router.Routed);
    }

    [Fact]
    public async Task BatchesBeyondTheQueueBudget_AreRefusedAsOverQuota_OtherTrafficFlows_AndAcknowledgingMakesRoom()
    {
        var (device, deviceInbox) = await ConnectAsync("GL-1");
        var held = new ConcurrentQueue<MqttApplicationMessageReceivedEventArgs>();
        var (ingestion, _) = await ConnectAsync("hub", hold: held); // PUBACKs only when told, as ingestion does after storing
        await device.SubscribeAsync(Ack, MqttQualityOfServiceLevel.AtLeastOnce);
        await ingestion.SubscribeAsync("ea/v1/+/+/evt", MqttQualityOfServiceLevel.AtLeastOnce);
        _time.Advance(SessionRouter.RefreshInterval);
        var batch = new string('b', 400);

        var first = await device.PublishAsync(Message(Evt, batch));
        var second = await device.PublishAsync(Message(Evt, batch));
        var third = await device.PublishAsync(Message(Evt, batch)); // 1,200 bytes unacknowledged would pass the 1,000
        var ack = await ingestion.PublishAsync(Message(Ack, "acked 2")); // not a batch: never refused
        await WaitAsync(() => held.Count == 2, "the hub holds the two batches it took");

        Assert.Equal(MqttClientPublishReasonCode.Success, first.ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.Success, second.ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.QuotaExceeded, third.ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.Success, ack.ReasonCode);
        Assert.Equal(["acked 2"], await deviceInbox.TakeAsync(1));
        Assert.Equal(1, _router.Refused);

        held.TryDequeue(out var stored);
        await stored!.AcknowledgeAsync(CancellationToken.None);
        await WaitAsync(async () => (await device.PublishAsync(Message(Evt, batch))).ReasonCode == MqttClientPublishReasonCode.Success, "room again after one acknowledgement");

        await WaitAsync(() => held.Count == 2, "the hub holds the batch taken after the room was made");
        Assert.Empty(_dispatchedByMqttnet);
    }

    [Fact]
    public async Task ABatchLargerThanTheBudget_IsTakenByAnEmptyQueue_AndAReconnectStartsTheCountAgain()
    {
        var (device, _) = await ConnectAsync("GL-1");
        var held = new ConcurrentQueue<MqttApplicationMessageReceivedEventArgs>();
        var (ingestion, _) = await ConnectAsync("hub", cleanStart: false, hold: held);
        await ingestion.SubscribeAsync("ea/v1/+/+/evt", MqttQualityOfServiceLevel.AtLeastOnce);
        _time.Advance(SessionRouter.RefreshInterval);

        var large = await device.PublishAsync(Message(Evt, new string('L', 3 * Budget)));
        var next = await device.PublishAsync(Message(Evt, "small"));
        await ingestion.DisconnectAsync(); // never acknowledged: the resumed session's count starts from zero
        // The CONNACK goes out before the server tells of the connect, which is when the router starts the count again; a
        // handler added after the router's runs after it.
        var counted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.ClientConnectedAsync += e =>
        {
            if (e.ClientId == "hub")
            {
                counted.TrySetResult();
            }

            return Task.CompletedTask;
        };
        await ConnectAsync("hub", cleanStart: false, hold: held);
        await counted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var afterReconnect = await device.PublishAsync(Message(Evt, "small"));

        Assert.Equal(MqttClientPublishReasonCode.Success, large.ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.QuotaExceeded, next.ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.Success, afterReconnect.ReasonCode);
    }

    [Fact]
    public async Task OverTheBudget_ADeviceWithNothingQueuedIsStillTaken_UpToTwiceTheBudget()
    {
        var (devices, _) = await ConnectAsync("devices"); // publishes for several devices: the count is by topic
        var held = new ConcurrentQueue<MqttApplicationMessageReceivedEventArgs>();
        var (ingestion, _) = await ConnectAsync("hub", hold: held);
        await ingestion.SubscribeAsync("ea/v1/+/+/evt", MqttQualityOfServiceLevel.AtLeastOnce);
        _time.Advance(SessionRouter.RefreshInterval);
        var batch = new string('b', 600);
        string Device(int n) => $"ea/v1/smart-glasses/GL-{n}/evt";

        var codes = new List<MqttClientPublishReasonCode>();
        foreach (var topic in new[] { Device(1), Device(1), Device(2), Device(3), Device(4) })
        {
            codes.Add((await devices.PublishAsync(Message(topic, batch))).ReasonCode);
        }

        // 600 taken; GL-1's second would make 1,200 of the 1,000 and GL-1 has one queued; GL-2 and GL-3 have none
        // (1,200 and 1,800 of the 2,000); GL-4's would make 2,400.
        Assert.Equal(
            [MqttClientPublishReasonCode.Success, MqttClientPublishReasonCode.QuotaExceeded, MqttClientPublishReasonCode.Success,
             MqttClientPublishReasonCode.Success, MqttClientPublishReasonCode.QuotaExceeded],
            codes);
        await WaitAsync(() => held.Count == 3, "the hub holds the three batches it took");
        Assert.Equal(2, _router.Refused);
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(10), $"timed out waiting until {what}");
            await Task.Delay(20);
        }
    }

    private static Task WaitAsync(Func<bool> condition, string what) => WaitAsync(() => Task.FromResult(condition()), what);

    private static MqttApplicationMessage Message(string topic, string payload) => new MqttApplicationMessageBuilder()
        .WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();

    /// <param name="hold">Given: received messages are not acknowledged but queued here, to be acknowledged by the test.</param>
    private async Task<(IMqttClient Client, Inbox Inbox)> ConnectAsync(string clientId, bool cleanStart = true, ConcurrentQueue<MqttApplicationMessageReceivedEventArgs>? hold = null)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var inbox = new Inbox();
        client.ApplicationMessageReceivedAsync += e =>
        {
            if (hold is not null)
            {
                e.AutoAcknowledge = false;
                hold.Enqueue(e);
            }

            inbox.Add(e.ApplicationMessage);
            return Task.CompletedTask;
        };
        var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _port).WithClientId(clientId)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).WithCleanStart(cleanStart)
            .WithSessionExpiryInterval(cleanStart ? 0u : 3600u).Build();
        await client.ConnectAsync(options);
        _clients.Add(client);
        return (client, inbox);
    }

    private sealed class Inbox
    {
        private readonly Lock _gate = new();
        private readonly List<string> _received = [];
        private readonly List<MqttQualityOfServiceLevel> _qos = [];

        public List<string> Received
        {
            get
            {
                lock (_gate)
                {
                    return [.. _received];
                }
            }
        }

        public List<MqttQualityOfServiceLevel> Qos
        {
            get
            {
                lock (_gate)
                {
                    return [.. _qos];
                }
            }
        }

        public void Add(MqttApplicationMessage message)
        {
            lock (_gate)
            {
                _received.Add(message.ConvertPayloadToString());
                _qos.Add(message.QualityOfServiceLevel);
            }
        }

        public async Task<List<string>> TakeAsync(int count)
        {
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (Received.Count < count && waited.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(20);
            }

            return Received.Take(count).ToList();
        }
    }
}
