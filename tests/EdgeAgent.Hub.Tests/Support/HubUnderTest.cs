using System.Net;
using System.Net.Sockets;
using EdgeAgent.Hub.Store;
using EdgeAgent.TestKit.IO;
using EdgeAgent.TestKit.Mqtt;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Hub.Tests.Support;

/// <summary>A hub started in-process (embedded broker on a free port, or against a real Mosquitto) with a temp database.</summary>
internal sealed class HubUnderTest : IAsyncDisposable
{
    private readonly TempDirectory _dir;
    private readonly MosquittoBroker? _mosquitto;

    private HubUnderTest(TempDirectory dir, MosquittoBroker? mosquitto, HubHost host, ListLoggerProvider logs)
    {
        _dir = dir;
        _mosquitto = mosquitto;
        Host = host;
        Logs = logs;
    }

    public HubHost Host { get; }

    public ListLoggerProvider Logs { get; }

    public Uri Broker => Host.BrokerUri;

    public string DatabasePath => Host.DatabasePath;

    public static async Task<HubUnderTest> StartAsync(bool mosquitto, Func<HubOptions, HubOptions>? configure = null)
    {
        var dir = new TempDirectory();
        MosquittoBroker? broker = mosquitto ? await MosquittoBroker.StartAsync() : null;
        // FreePort's port can be taken by another test (or a port-0 listener) before the broker binds it: take another.
        for (var attempt = 1; ; attempt++)
        {
            var logs = new ListLoggerProvider();
            var options = new HubOptions
            {
                DatabasePath = dir.Combine("edgehub.db"),
                Listen = $"127.0.0.1:{FreePort()}",
                Http = "127.0.0.1:0",
                ExternalBroker = broker is null ? null : new Uri($"mqtt://{MosquittoBroker.Host}:{broker.Port}"),
                ClientId = "edgehub-test-" + Guid.NewGuid().ToString("N")[..8],
            };
            options = configure?.Invoke(options) ?? options;
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                var host = await HubHost.StartAsync(options, l => l.AddProvider(logs).SetMinimumLevel(LogLevel.Debug), cancellationToken: cts.Token);
                return new HubUnderTest(dir, broker, host, logs);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse && attempt < 5)
            {
                logs.Dispose();
            }
        }
    }

    public void Enroll(TestDevice device)
    {
        using var store = HubStore.Open(DatabasePath);
        Assert.True(Devices.DeviceKeys.TryRead(device.PublicKeyPem, out var pem, out var keyId, out var problem), problem);
        store.Enroll(new DeviceRow(device.DeviceId, device.ProductId, pem, keyId, 1));
    }

    public HubStore OpenStore() => HubStore.Open(DatabasePath);

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        if (_mosquitto is not null)
        {
            await _mosquitto.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
