using System.Net;
using System.Net.Sockets;
using MQTTnet.Server;

namespace EdgeAgent.TestKit.Mqtt;

/// <summary>
/// An MQTTnet broker in the test process on a free loopback port (as the hub embeds one), with persistent sessions.
/// It can be stopped and started again on the same port; sessions do not survive a stop (as Mosquitto without persistence).
/// </summary>
public sealed class EmbeddedMqttBroker : IAsyncDisposable
{
    public const string Host = "127.0.0.1";

    private MqttServer? _server;

    private EmbeddedMqttBroker(int port) => Port = port;

    public int Port { get; }

    public bool IsRunning => _server is { IsStarted: true };

    /// <summary>Sees every publish before the broker handles it (e.g. to refuse one, as the hub's full queue does); set before a start.</summary>
    public Action<InterceptingPublishEventArgs>? Intercept { get; set; }

    public static async Task<EmbeddedMqttBroker> StartAsync()
    {
        var broker = new EmbeddedMqttBroker(FreePort());
        await broker.StartAgainAsync();
        return broker;
    }

    public async Task StartAgainAsync()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"the embedded broker is already running on port {Port}");
        }

        var options = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback)
            .WithDefaultEndpointPort(Port)
            .WithPersistentSessions()
            .Build();
        _server = new MqttServerFactory().CreateMqttServer(options);
        _server.InterceptingPublishAsync += e =>
        {
            Intercept?.Invoke(e);
            return Task.CompletedTask;
        };
        await _server.StartAsync();
    }

    /// <summary>Stops the broker; its clients see the connection drop.</summary>
    public async Task StopAsync()
    {
        if (_server is { } s)
        {
            await s.StopAsync();
            s.Dispose();
            _server = null;
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
