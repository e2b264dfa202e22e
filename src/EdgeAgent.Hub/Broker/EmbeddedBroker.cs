using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MQTTnet.Server;

namespace EdgeAgent.Hub.Broker;

/// <summary>
/// The embedded MQTTnet broker of <c>edgehub serve</c> (without <c>--broker</c>). Ingestion reaches it over TCP as an
/// ordinary MQTT client, exactly as it reaches an external broker: one code path for both.
/// </summary>
internal sealed class EmbeddedBroker : IHostedService, IDisposable
{
    private readonly HubOptions _options;
    private readonly Identity.BrokerAccess _access;
    private readonly ILogger<EmbeddedBroker> _logger;
    private readonly SessionRouter _router;
    private System.Security.Cryptography.X509Certificates.X509Certificate2? _serverCertificate;
    private MqttServer? _server;
    private int _stopped;

    public EmbeddedBroker(HubOptions options, Identity.BrokerAccess access, TimeProvider time, ILogger<EmbeddedBroker> logger)
    {
        _options = options;
        _access = access;
        _logger = logger;
        _router = new SessionRouter(time, logger, options.QueueBytes);
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _ = HubOptions.TryParseListen(_options.Listen, out var address, out var port);
        var builder = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(address)
            .WithDefaultEndpointPort(port)
            .WithPersistentSessions()
            .WithMaxPendingMessagesPerClient(100_000);
        _access.ConfigureEndpoints(builder, out _serverCertificate); // the TLS listener (--mqtts), if asked for
        _server = new MqttServerFactory().CreateMqttServer(builder.Build());
        _access.Attach(_server); // who may connect, publish and subscribe as whom
        _router.Attach(_server); // after the access checks: delivers what they let through without MQTTnet's every-session dispatch
        await _server.StartAsync().ConfigureAwait(false);
        Log.BrokerStarted(_logger, address.ToString(), port);
        _access.LogListeners(address, port);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // The console lifetime stops the host on SIGTERM and the owner stops it again on dispose: stop once.
        if (_server is { } server && Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            await server.StopAsync().ConfigureAwait(false);
            Log.BrokerStopped(_logger);
        }
    }

    public void Dispose()
    {
        _server?.Dispose();
        _serverCertificate?.Dispose();
    }
}
