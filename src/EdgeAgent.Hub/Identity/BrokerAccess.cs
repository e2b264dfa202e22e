using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Hub.Store;
using Microsoft.Extensions.Logging;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace EdgeAgent.Hub.Identity;

/// <summary>Who a broker session is, decided once at connect and kept in the session's items.</summary>
internal sealed record SessionIdentity(SessionRole Role, string DeviceId = "", string ProductId = "");

internal enum SessionRole
{
    /// <summary>The hub's own ingestion (per-start secret): every topic.</summary>
    Hub,

    /// <summary>A device proven by its hub certificate on the TLS listener: only its own topics.</summary>
    Device,

    /// <summary>A client of the plain listener with <c>--plain-access devices</c>: device-to-hub topics of devices without a certificate.</summary>
    PlainDevice,
}

/// <summary>
/// Authorisation in the embedded broker. On the TLS listener a client needs a certificate that chains to the hub CA, its
/// client id must be the certificate's serial, and the device must be enrolled and not revoked; it may then publish only
/// on <c>ea/v1/{its product}/{its serial}/evt|clock|state</c> and subscribe only to its own <c>ack</c> and <c>cmd/...</c>.
/// The hub's ingestion authenticates with a secret made at each start that no device has. The plain listener takes,
/// with <c>--plain-access devices</c> (default; it listens on loopback unless told otherwise), clients that act as
/// devices without a certificate: they may publish device-to-hub topics and read acknowledgements and commands of such
/// devices (every record is still checked against the enrolled key), never act as the hub, never use the client id or
/// topics of a device that holds a certificate or is revoked; with <c>hub-only</c> it takes only the ingestion.
/// </summary>
internal sealed partial class BrokerAccess
{
    public const string PlainDevices = "devices";
    public const string PlainHubOnly = "hub-only";

    private const string SessionKey = "edgeagent.identity";

    private readonly HubOptions _options;
    private readonly HubCertificateAuthority _ca;
    private readonly ILogger<BrokerAccess> _logger;
    private readonly byte[] _secret;
    private readonly Lock _refreshLock = new();
    private volatile AccessSnapshot _snapshot = AccessSnapshot.Empty;
    private MqttServer? _server;

    public BrokerAccess(HubOptions options, HubCertificateAuthority ca, IngestionCredentials credentials, ILogger<BrokerAccess> logger)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        _options = options;
        _ca = ca;
        _logger = logger;
        _secret = Encoding.UTF8.GetBytes(credentials.Secret);
        Refresh();
    }

    public AccessSnapshot Snapshot => _snapshot;

    /// <summary>Adds the TLS listener (<c>--mqtts</c>) to the broker's options: a server certificate from the hub CA, client certificates required.</summary>
    public void ConfigureEndpoints(MqttServerOptionsBuilder builder, out X509Certificate2? serverCertificate)
    {
        ArgumentNullException.ThrowIfNull(builder);
        serverCertificate = null;
        if (_options.Mqtts is null)
        {
            return;
        }

        _ = HubOptions.TryParseListen(_options.Mqtts, out var address, out var port);
        var names = new List<string> { "127.0.0.1", "localhost", Dns.GetHostName() };
        if (!address.Equals(IPAddress.Any) && !address.Equals(IPAddress.IPv6Any))
        {
            names.Add(address.ToString());
        }

        names.AddRange(_options.TlsNames);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var issued = _ca.IssueServer(key, names, TimeSpan.FromDays(365));
        using var withKey = issued.CopyWithPrivateKey(key);
        // SslStream on Linux wants the key in a store-backed form, not the ephemeral one CopyWithPrivateKey gives.
        serverCertificate = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        builder.WithEncryptedEndpoint()
            .WithEncryptedEndpointBoundIPAddress(address)
            .WithEncryptedEndpointPort(port)
            .WithEncryptionCertificate(serverCertificate)
            .WithEncryptionSslProtocol(SslProtocols.Tls12 | SslProtocols.Tls13)
            .WithClientCertificate(ValidateClientCertificate, true);
    }

    /// <summary>Says which listeners take whom; warns when the plain listener takes devices off loopback.</summary>
    public void LogListeners(IPAddress plainAddress, int plainPort)
    {
        ArgumentNullException.ThrowIfNull(plainAddress);
        if (_options.Mqtts is not null && HubOptions.TryParseListen(_options.Mqtts, out var address, out var port))
        {
            Log.TlsListenerStarted(_logger, address.ToString(), port, _options.PlainAccess);
        }

        if (_options.PlainAccess == PlainDevices && !IPAddress.IsLoopback(plainAddress))
        {
            Log.PlainListenerExposed(_logger, plainAddress.ToString(), plainPort);
        }
    }

    /// <summary>Hooks the checks into the server's connect, publish and subscribe events.</summary>
    public void Attach(MqttServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        _server = server;
        server.ValidatingConnectionAsync += e =>
        {
            OnConnect(e);
            return Task.CompletedTask;
        };
        server.InterceptingPublishAsync += e =>
        {
            OnPublish(e);
            return Task.CompletedTask;
        };
        server.InterceptingSubscriptionAsync += e =>
        {
            OnSubscribe(e);
            return Task.CompletedTask;
        };
    }

    /// <summary>Reloads revocations and certificates from the database; returns the devices revoked since the last load.</summary>
    public IReadOnlyList<string> Refresh()
    {
        lock (_refreshLock)
        {
            using var store = HubStore.Open(_options.DatabasePath);
            var next = new IdentityRecords(store).Snapshot();
            var newlyRevoked = next.Revoked.Where(d => !_snapshot.Revoked.Contains(d)).ToList();
            _snapshot = next;
            return newlyRevoked;
        }
    }

    /// <summary>Drops the live session of a revoked device (whichever listener it came on).</summary>
    public async Task DropAsync(string deviceId)
    {
        if (_server is not { } server)
        {
            return;
        }

        var connected = await server.GetClientsAsync().ConfigureAwait(false);
        foreach (var client in connected.Where(c => c.Id == deviceId || (c.Session.Items[SessionKey] is SessionIdentity { } s && s.DeviceId == deviceId)))
        {
            await client.DisconnectAsync(new MqttServerClientDisconnectOptionsBuilder().WithReasonCode(MqttDisconnectReasonCode.AdministrativeAction)
                .WithReasonString($"device {deviceId} is revoked").Build()).ConfigureAwait(false);
            Log.RevokedSessionDropped(_logger, deviceId, client.Id);
        }
    }

    private bool ValidateClientCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            Log.ConnectRefused(_logger, "?", "no client certificate on the TLS listener");
            return false;
        }

        using var cert = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        if (!_ca.Chains(cert, out var problem))
        {
            Log.ConnectRefused(_logger, cert.GetNameInfo(X509NameType.SimpleName, false), problem);
            return false;
        }

        return true;
    }

    private void OnConnect(ValidatingConnectionEventArgs e)
    {
        var clientId = e.ClientId ?? "";
        if (e.UserName == HubCertificateAuthority.IngestionName)
        {
            if (CryptographicOperations.FixedTimeEquals(e.RawPassword ?? [], _secret))
            {
                e.SessionItems[SessionKey] = new SessionIdentity(SessionRole.Hub);
                return;
            }

            Refuse(e, MqttConnectReasonCode.BadUserNameOrPassword, clientId, "wrong ingestion secret");
            return;
        }

        if (e.IsSecureConnection)
        {
            ConnectWithCertificate(e, clientId);
            return;
        }

        if (_options.PlainAccess == PlainHubOnly)
        {
            Refuse(e, MqttConnectReasonCode.NotAuthorized, clientId, "the plain listener takes only the hub's ingestion (--plain-access hub-only); devices connect with their certificate over mqtts");
            return;
        }

        var snapshot = _snapshot;
        if (clientId == _options.ClientId || clientId == HubCertificateAuthority.IngestionName)
        {
            Refuse(e, MqttConnectReasonCode.ClientIdentifierNotValid, clientId, "the client id is the hub ingestion's");
        }
        else if (snapshot.Revoked.Contains(clientId))
        {
            Refuse(e, MqttConnectReasonCode.Banned, clientId, "the device is revoked");
        }
        else if (snapshot.Certified.ContainsKey(clientId))
        {
            Refuse(e, MqttConnectReasonCode.NotAuthorized, clientId, "the device holds a hub certificate and connects only over mqtts with it");
        }
        else
        {
            e.SessionItems[SessionKey] = new SessionIdentity(SessionRole.PlainDevice);
        }
    }

    private void ConnectWithCertificate(ValidatingConnectionEventArgs e, string clientId)
    {
        if (e.ClientCertificate is not { } certificate || !_ca.Chains(certificate, out _))
        {
            Refuse(e, MqttConnectReasonCode.NotAuthorized, clientId, "no client certificate of this hub's CA");
            return;
        }

        if (!HubCertificateAuthority.TryReadDevice(certificate, out var device, out var product))
        {
            Refuse(e, MqttConnectReasonCode.NotAuthorized, clientId, $"certificate '{certificate.Subject}' is not a device certificate");
            return;
        }

        if (clientId != device)
        {
            Refuse(e, MqttConnectReasonCode.ClientIdentifierNotValid, clientId, $"the client id must be the certificate's serial {device}");
            return;
        }

        // A connect is rare: read revocations fresh, so a device revoked a moment ago is refused now, not at the next poll.
        _ = Refresh();
        using var store = HubStore.Open(_options.DatabasePath);
        if (new IdentityRecords(store).FindRevocation(device) is { } revoked)
        {
            Refuse(e, MqttConnectReasonCode.Banned, clientId, $"the device is revoked ({revoked.Reason})");
            return;
        }

        if (store.FindDevice(device) is not { } enrolled || enrolled.ProductId != product)
        {
            Refuse(e, MqttConnectReasonCode.NotAuthorized, clientId, $"device {device} of product {product} is not enrolled");
            return;
        }

        e.SessionItems[SessionKey] = new SessionIdentity(SessionRole.Device, device, product);
        Log.DeviceConnected(_logger, device, product);
    }

    private void OnPublish(InterceptingPublishEventArgs e)
    {
        var topic = e.ApplicationMessage.Topic;
        var identity = e.SessionItems?[SessionKey] as SessionIdentity;
        var allowed = identity?.Role switch
        {
            SessionRole.Hub => true,
            SessionRole.Device => Topics.TryParse(topic, out var p, out var d, out var kind) && p == identity.ProductId && d == identity.DeviceId && kind is "evt" or "clock" or "state",
            SessionRole.PlainDevice => Topics.TryParse(topic, out _, out var d, out var kind) && kind is "evt" or "clock" or "state" && PlainMayActAs(d),
            _ => false,
        };
        if (!allowed)
        {
            e.ProcessPublish = false;
            e.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
            e.Response.ReasonString = $"not allowed to publish on {topic}";
            Log.PublishRefused(_logger, e.ClientId, topic);
        }
    }

    private void OnSubscribe(InterceptingSubscriptionEventArgs e)
    {
        var filter = e.TopicFilter.Topic;
        var identity = e.SessionItems?[SessionKey] as SessionIdentity;
        var allowed = identity?.Role switch
        {
            SessionRole.Hub => true,
            SessionRole.Device => InboundFilter().Match(filter) is { Success: true } m && m.Groups[1].Value == identity.ProductId && m.Groups[2].Value == identity.DeviceId,
            SessionRole.PlainDevice => InboundFilter().Match(filter) is { Success: true } m && PlainMayActAs(m.Groups[2].Value),
            _ => false,
        };
        if (!allowed)
        {
            e.ProcessSubscription = false;
            e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
            e.Response.ReasonString = $"not allowed to subscribe to {filter}";
            Log.SubscribeRefused(_logger, e.ClientId, filter);
        }
    }

    private bool PlainMayActAs(string device)
    {
        var snapshot = _snapshot;
        return !snapshot.Revoked.Contains(device) && !snapshot.Certified.ContainsKey(device);
    }

    private void Refuse(ValidatingConnectionEventArgs e, MqttConnectReasonCode code, string clientId, string reason)
    {
        e.ReasonCode = code;
        e.ReasonString = reason;
        Log.ConnectRefused(_logger, clientId, reason);
    }

    /// <summary>A device's own acknowledgements and commands: <c>ea/v1/{product}/{device}/ack</c>, <c>.../cmd/#</c>, <c>.../cmd/+</c>, <c>.../cmd/{name}</c>.</summary>
    [GeneratedRegex("^ea/v1/([A-Za-z0-9._-]{1,64})/([A-Za-z0-9._-]{1,64})/(ack|cmd/#|cmd/\\+|cmd/[A-Za-z0-9._-]{1,64})$")]
    private static partial Regex InboundFilter();
}
