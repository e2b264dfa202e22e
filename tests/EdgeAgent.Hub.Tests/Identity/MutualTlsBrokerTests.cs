using System.CommandLine;
using System.Security.Cryptography.X509Certificates;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Hub.Cli;
using EdgeAgent.Hub.Identity;
using EdgeAgent.Hub.Tests.Support;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Protocol;

namespace EdgeAgent.Hub.Tests.Identity;

/// <summary>The embedded broker's TLS listener (<c>--mqtts</c>) and its authorisation, with real certificates from enrolment.</summary>
public sealed class MutualTlsBrokerTests : IAsyncLifetime
{
    private HubUnderTest _hub = null!;

    private Uri Mqtts => _hub.Host.MqttsUri!;

    private X509Certificate2 Ca => _hub.Host.Services.GetService(typeof(HubCertificateAuthority)) is HubCertificateAuthority ca ? ca.Certificate : throw new InvalidOperationException("no CA");

    public async Task InitializeAsync() => _hub = await HubUnderTest.StartAsync(mosquitto: false, o => o with { Mqtts = $"127.0.0.1:{HubUnderTest.FreePort()}" });

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task Device_WithItsCertificate_ConnectsOverMutualTlsAndIsIngested()
    {
        using var device = new TestDevice("GL-0600");
        using var certificate = await Enrolment.EnrolAsync(_hub, device);
        await using var client = await TlsClient.ConnectAsync(Mqtts, device.DeviceId, certificate, Ca);

        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await client.SubscribeAsync(Topics.Ack(device.ProductId, device.DeviceId)));
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, await client.SubscribeAsync($"ea/v1/{device.ProductId}/{device.DeviceId}/cmd/#"));
        var published = await client.PublishAsync(device.EventsTopic, device.Batch(device.NextRecords(3)));
        var ack = await client.NextAckAsync(Topics.Ack(device.ProductId, device.DeviceId));

        Assert.True(published.IsSuccess, published.ReasonString);
        Assert.Equal(3, ack.AckedSeq);
        using var store = _hub.OpenStore();
        Assert.Equal(3, store.Records(device.DeviceId, 1).Count);
    }

    [Fact]
    public async Task Device_PublishesAsAnotherDevice_RefusedAndNothingIngestedForIt()
    {
        using var device = new TestDevice("GL-0601");
        using var other = new TestDevice("GL-0602");
        using var certificate = await Enrolment.EnrolAsync(_hub, device);
        using var otherCertificate = await Enrolment.EnrolAsync(_hub, other);
        await using var client = await TlsClient.ConnectAsync(Mqtts, device.DeviceId, certificate, Ca);
        await client.SubscribeAsync(Topics.Ack(device.ProductId, device.DeviceId));

        // Even a batch the other device really signed (replayed, say) cannot be published on its topic by this one.
        var asOther = await client.PublishAsync(other.EventsTopic, other.Batch(other.NextRecords(2)));
        var asOtherClock = await client.PublishAsync(Topics.Clock(other.ProductId, other.DeviceId), ClockSyncRequest.Write(new ClockSyncRequest { Boot = 1, MonoMs = 5 }));
        var asHub = await client.PublishAsync(Topics.Ack(other.ProductId, other.DeviceId), BatchAck.Write(new BatchAck { DeviceId = other.DeviceId, AckedSeq = 99, Rejected = [] }));
        await client.PublishAsync(device.EventsTopic, device.Batch(device.NextRecords(1)));
        var own = await client.NextAckAsync(Topics.Ack(device.ProductId, device.DeviceId)); // ingested in order after the refused ones

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, asOther.ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, asOtherClock.ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, asHub.ReasonCode);
        Assert.Equal(1, own.AckedSeq);
        using var store = _hub.OpenStore();
        Assert.Empty(store.Records(other.DeviceId, 1));
        Assert.Empty(store.Rejections(other.DeviceId, 10).Latest);
    }

    [Theory]
    [InlineData("ea/v1/smart-glasses/GL-0604/ack")]
    [InlineData("ea/v1/smart-glasses/GL-0604/cmd/#")]
    [InlineData("ea/v1/+/+/ack")]
    [InlineData("ea/v1/smart-glasses/+/ack")]
    [InlineData("ea/v1/+/+/evt")]
    [InlineData("#")]
    public async Task Device_SubscribesBeyondItsOwnAckAndCommands_Refused(string filter)
    {
        using var device = new TestDevice("GL-0603");
        using var certificate = await Enrolment.EnrolAsync(_hub, device);
        await using var client = await TlsClient.ConnectAsync(Mqtts, device.DeviceId, certificate, Ca);

        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, await client.SubscribeAsync(filter));
    }

    [Fact]
    public async Task Device_ClientIdNotItsSerial_RefusedAtConnect()
    {
        using var device = new TestDevice("GL-0605");
        using var certificate = await Enrolment.EnrolAsync(_hub, device);

        var e = await Assert.ThrowsAsync<ConnectRefusedException>(() => TlsClient.ConnectAsync(Mqtts, "GL-0606", certificate, Ca));

        Assert.Equal(MqttClientConnectResultCode.ClientIdentifierNotValid, e.ResultCode);
    }

    [Fact]
    public async Task Client_WithoutCertificate_RefusedOnTlsListener()
    {
        await Assert.ThrowsAnyAsync<MqttCommunicationException>(() => TlsClient.ConnectAsync(Mqtts, "GL-0607", null, Ca));
    }

    [Fact]
    public async Task Client_WithCertificateOfAnotherCa_RefusedOnTlsListener()
    {
        using var device = new TestDevice("GL-0608");
        _hub.Enroll(device);
        using var foreign = Enrolment.ForeignCertificate(device);

        await Assert.ThrowsAnyAsync<MqttCommunicationException>(() => TlsClient.ConnectAsync(Mqtts, device.DeviceId, foreign, Ca));
    }

    [Fact]
    public async Task Device_Revoked_LiveSessionDroppedAndRefusedAtConnect()
    {
        using var device = new TestDevice("GL-0609");
        using var certificate = await Enrolment.EnrolAsync(_hub, device);
        await using var client = await TlsClient.ConnectAsync(Mqtts, device.DeviceId, certificate, Ca);

        var revoke = await RunHubAsync("devices", "revoke", "--device", device.DeviceId, "--reason", "lost in the field", "--db", _hub.DatabasePath);
        var dropped = await client.Disconnected.WaitAsync(TimeSpan.FromSeconds(15));
        var again = await Assert.ThrowsAsync<ConnectRefusedException>(() => TlsClient.ConnectAsync(Mqtts, device.DeviceId, certificate, Ca));
        var list = await RunHubAsync("devices", "list", "--db", _hub.DatabasePath);

        Assert.Equal(0, revoke.Code);
        Assert.Equal(MqttClientDisconnectReason.AdministrativeAction, dropped.Reason);
        Assert.Equal(MqttClientConnectResultCode.Banned, again.ResultCode);
        Assert.Contains("revoked", list.Output.Split('\n').Single(l => l.StartsWith(device.DeviceId, StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("lost in the field", list.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlainListener_ClientActsAsHubOrAsCertifiedDevice_Refused()
    {
        using var device = new TestDevice("GL-0610");
        using var certificate = await Enrolment.EnrolAsync(_hub, device);
        using var plain = new MqttClientFactory().CreateMqttClient();
        await plain.ConnectAsync(PlainOptions("anyone").Build());

        var fakeAck = await plain.PublishAsync(Message(Topics.Ack(device.ProductId, device.DeviceId), BatchAck.Write(new BatchAck { DeviceId = device.DeviceId, AckedSeq = 50, Rejected = [] })));
        var asCertified = await plain.PublishAsync(Message(device.EventsTopic, device.Batch(device.NextRecords(1))));
        var readEverything = await plain.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(Topics.AllEvents).Build());
        var takeover = await Assert.ThrowsAsync<ConnectRefusedException>(() => ConnectPlainAsync(PlainOptions(device.DeviceId)));
        var guessedSecret = await Assert.ThrowsAsync<ConnectRefusedException>(() => ConnectPlainAsync(PlainOptions("x").WithCredentials(HubCertificateAuthority.IngestionName, "guess")));

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, fakeAck.ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, asCertified.ReasonCode);
        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, Assert.Single(readEverything.Items).ResultCode);
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, takeover.ResultCode);
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, guessedSecret.ResultCode);
    }

    [Fact]
    public async Task PlainListener_HubOnly_RefusesDevices()
    {
        await using var hub = await HubUnderTest.StartAsync(mosquitto: false, o => o with { PlainAccess = BrokerAccess.PlainHubOnly });

        var e = await Assert.ThrowsAsync<ConnectRefusedException>(() => ConnectPlainAsync(PlainOptions("GL-0611", hub.Broker)));

        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, e.ResultCode);
    }

    private MqttClientOptionsBuilder PlainOptions(string clientId, Uri? broker = null) =>
        new MqttClientOptionsBuilder().WithTcpServer((broker ?? _hub.Broker).Host, (broker ?? _hub.Broker).Port).WithClientId(clientId).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500);

    private static Task ConnectPlainAsync(MqttClientOptionsBuilder options) => TlsClient.ConnectPlainAsync(options);

    private static MqttApplicationMessage Message(string topic, byte[] payload) =>
        new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();

    internal static async Task<(int Code, string Output, string Error)> RunHubAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await HubCli.Build().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }
}
