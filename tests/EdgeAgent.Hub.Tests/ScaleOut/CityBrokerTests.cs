using System.Buffers;
using System.Collections.Concurrent;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Hub.Ingestion;
using EdgeAgent.Hub.Store;
using EdgeAgent.Hub.Tests.Support;
using EdgeAgent.TestKit.IO;
using EdgeAgent.TestKit.Mqtt;
using EdgeAgent.TestKit.Processes;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeAgent.Hub.Tests.ScaleOut;

/// <summary>
/// The scale-out hub as shipped: Mosquitto started with <c>hardware/city-scale/mosquitto.conf</c> and its ACL (ports and
/// paths moved to a temporary directory), a real PostgreSQL, and two real <c>edgehub serve --store</c> worker processes
/// on one shared subscription. Devices send their batches without waiting for acknowledgements, so consecutive batches
/// of a device reach different workers and commit out of order; one worker is SIGKILLed mid-run.
/// </summary>
[Collection(PostgresTests.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CityBrokerTests(PostgresFixture postgres, Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private const string Product = "smart-glasses";
    private const string IngestUser = "edgehub-ingest";
    private const string Password = "city-test-password";
    private const int BatchesPerDevice = 24;
    private const int RecordsPerBatch = 10;

    /// <summary>The agent's acknowledgement timeout, shortened: a device sends again what was not acknowledged.</summary>
    private static readonly TimeSpan AckTimeout = TimeSpan.FromSeconds(2);

    /// <summary>A bound on the whole run, not a measured figure.</summary>
    private static readonly TimeSpan RunBound = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _dir = new();
    private readonly List<TestDevice> _devices = [.. Enumerable.Range(1, 4).Select(i => new TestDevice($"CITY-{i:D2}", Product))];
    private readonly List<ChildProcess> _workers = [];
    private readonly TestCertificates _tls = new(TimeProvider.System);
    private MosquittoBroker? _broker;

    public Task InitializeAsync() => Task.CompletedTask;

    [SkippableFact]
    public async Task TwoWorkers_OneKilledMidRun_EveryRecordOnceNoRejectionEveryDeviceAcked()
    {
        var store = await postgres.DatabaseAsync();
        Skip.If(!File.Exists(MosquittoBroker.Executable) || !File.Exists("/usr/bin/mosquitto_passwd"), "mosquitto is not installed; ./build.sh --target=Test installs it");
        await EnrolAsync(store);
        var port = await StartBrokerAsync();
        var broker = $"mqtt://{IngestUser}@127.0.0.1:{port}";
        var first = await StartWorkerAsync(store, broker, "w1");
        var second = await StartWorkerAsync(store, broker, "w2");

        var senders = new List<DeviceSender>();
        foreach (var device in _devices)
        {
            senders.Add(await DeviceSender.ConnectAsync(device, port, BatchesPerDevice, RecordsPerBatch));
        }

        using var bound = new CancellationTokenSource(RunBound);
        // First half of every device's batches, all at once; the kill comes once some of them are acknowledged.
        await Task.WhenAll(senders.Select(s => s.SendAsync(0, BatchesPerDevice / 2, bound.Token)));
        await Task.WhenAll(senders.Select(s => s.WaitAckedAsync(RecordsPerBatch, bound.Token)));
        await first.KillAsync();
        await Task.WhenAll(senders.Select(s => s.SendAsync(BatchesPerDevice / 2, BatchesPerDevice, bound.Token)));
        await Task.WhenAll(senders.Select(s => s.RunUntilAckedAsync(AckTimeout, bound.Token)));

        using var held = PostgresStore.Open(store);
        foreach (var device in _devices)
        {
            Assert.Equal(Enumerable.Range(1, BatchesPerDevice * RecordsPerBatch).Select(i => (long)i), held.Records(device.DeviceId, 0).Select(r => r.Seq));
            Assert.Empty(held.Parked(device.DeviceId));
        }

        // Nothing flagged; batches that came ahead of their predecessor were parked and counted, never rejected.
        Assert.DoesNotContain(held.Counters().Keys, k => k != IngestionProcessor.BatchParked);
        output.WriteLine($"{nameof(CityBrokerTests)}: {held.Counters().GetValueOrDefault(IngestionProcessor.BatchParked)} batch(es) parked");
        Assert.All(senders, s => Assert.Empty(s.Rejected));
        Assert.False(second.HasExited, second.ErrorText);
        Assert.DoesNotContain(second.Lines.Concat(second.ErrorText.Split('\n')), l => l.StartsWith("fail:", StringComparison.Ordinal) || l.StartsWith("crit:", StringComparison.Ordinal));

        var rejections = await HubCliRunner.RunAsync("rejections", "--store", store);
        Assert.Equal(0, rejections.Code);
        Assert.Contains("latest 0:", rejections.Output, StringComparison.Ordinal);
        var listed = await HubCliRunner.RunAsync("devices", "list", "--store", store);
        Assert.Equal(_devices.Select(d => d.DeviceId), listed.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')[0]));
        foreach (var s in senders)
        {
            await s.DisposeAsync();
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var w in _workers)
        {
            await w.DisposeAsync();
        }

        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }
    }

    /// <summary>After <see cref="DisposeAsync"/> (xunit calls both): the files the processes used.</summary>
    public void Dispose()
    {
        _devices.ForEach(d => d.Dispose());
        _tls.Dispose();
        _dir.Dispose();
    }

    private async Task EnrolAsync(string store)
    {
        var keys = Directory.CreateDirectory(_dir.Combine("keys")).FullName;
        foreach (var d in _devices)
        {
            await File.WriteAllTextAsync(Path.Combine(keys, $"{d.DeviceId}.pub.pem"), d.PublicKeyPem);
        }

        var enrolled = await HubCliRunner.RunAsync("devices", "enroll", "--key-dir", keys, "--product", Product, "--store", store);
        Assert.True(enrolled.Code == 0, enrolled.Error);
    }

    /// <summary>The shipped configuration, its listeners on free loopback ports and its files in the temporary directory.</summary>
    private async Task<int> StartBrokerAsync()
    {
        var root = _dir.Combine("mosquitto");
        Directory.CreateDirectory(Path.Combine(root, "persist"));
        // Mosquitto drops root for its own user before it writes persistence and reads the password file and the ACL.
        File.SetUnixFileMode(_dir.Path, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(root, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(Path.Combine(root, "persist"), (UnixFileMode)0b111_111_111);
        var passwd = Path.Combine(root, "passwd");
        foreach (var user in _devices.Select(d => d.DeviceId).Prepend(IngestUser))
        {
            var (code, _, error) = await ChildProcess.RunExecutableAsync("/usr/bin/mosquitto_passwd", File.Exists(passwd) ? ["-b", passwd, user, Password] : ["-c", "-b", passwd, user, Password], "mosquitto_passwd", TimeSpan.FromSeconds(30));
            Assert.True(code == 0, error);
        }

        var acl = Path.Combine(root, "acl");
        File.Copy(RepositoryRoot.Combine("hardware", "city-scale", "acl"), acl);
        var tls = _tls;
        foreach (var f in new[] { passwd, acl, tls.CaFile, tls.ServerCertFile, tls.ServerKeyFile })
        {
            File.SetUnixFileMode(f, (UnixFileMode)0b110_100_100);
        }

        var port = MosquittoBroker.FreeLoopbackPort();
        var config = (await File.ReadAllTextAsync(RepositoryRoot.Combine("hardware", "city-scale", "mosquitto.conf")))
            .Replace("listener 1883 127.0.0.1", $"listener {port} 127.0.0.1", StringComparison.Ordinal)
            .Replace("listener 8883", $"listener {MosquittoBroker.FreeLoopbackPort()} 127.0.0.1", StringComparison.Ordinal)
            .Replace("persistence_location /var/lib/mosquitto/", $"persistence_location {Path.Combine(root, "persist")}/", StringComparison.Ordinal)
            .Replace("/etc/mosquitto/edgehub/passwd", passwd, StringComparison.Ordinal)
            .Replace("/etc/mosquitto/edgehub/acl", acl, StringComparison.Ordinal)
            .Replace("/etc/mosquitto/edgehub/hub-ca.pem", tls.CaFile, StringComparison.Ordinal)
            .Replace("/etc/mosquitto/edgehub/server.pem", tls.ServerCertFile, StringComparison.Ordinal)
            .Replace("/etc/mosquitto/edgehub/server.key", tls.ServerKeyFile, StringComparison.Ordinal);
        Assert.DoesNotContain("/etc/mosquitto/edgehub", config, StringComparison.Ordinal);
        _broker = await MosquittoBroker.StartWithConfigAsync(config, port, persistence: true);
        return port;
    }

    private async Task<ChildProcess> StartWorkerAsync(string store, string broker, string id)
    {
        var worker = ChildProcess.Start(
            Path.Combine(AppContext.BaseDirectory, "edgehub.dll"),
            ["serve", "--store", store, "--broker", broker, "--worker-id", id, "--db", _dir.Combine($"{id}.db")],
            new Dictionary<string, string> { [EdgeAgent.Hub.Identity.IngestionCredentials.PasswordVariable] = Password });
        _workers.Add(worker);
        await worker.WaitForLineAsync(l => l.Contains($"worker {id} ingesting", StringComparison.Ordinal), TimeSpan.FromSeconds(30), $"worker {id} ready");
        return worker;
    }

    /// <summary>
    /// A device's side, as the agent's outbox behaves: batches are published without waiting, kept until an
    /// acknowledgement names their last seq, and sent again when no acknowledgement moved for the ack timeout.
    /// </summary>
    private sealed class DeviceSender : IAsyncDisposable
    {
        private readonly IMqttClient _client;
        private readonly TestDevice _device;
        private readonly List<(long Last, byte[] Payload)> _batches;
        private readonly SemaphoreSlim _progress = new(0);
        private long _acked;

        private DeviceSender(IMqttClient client, TestDevice device, List<(long, byte[])> batches)
        {
            _client = client;
            _device = device;
            _batches = batches;
            _client.ApplicationMessageReceivedAsync += e =>
            {
                if (BatchAck.TryRead(e.ApplicationMessage.Payload.ToArray(), out var ack, out _))
                {
                    foreach (var r in ack!.Rejected)
                    {
                        Rejected.Add(r);
                    }

                    if (ack.AckedSeq > Interlocked.Read(ref _acked))
                    {
                        Interlocked.Exchange(ref _acked, ack.AckedSeq);
                        _progress.Release();
                    }
                }

                return Task.CompletedTask;
            };
        }

        public ConcurrentBag<RejectedRecord> Rejected { get; } = [];

        private long Total => _batches[^1].Last;

        public static async Task<DeviceSender> ConnectAsync(TestDevice device, int port, int batches, int perBatch)
        {
            var made = new List<(long, byte[])>();
            for (var i = 0; i < batches; i++)
            {
                var payload = device.Batch(device.NextRecords(perBatch));
                made.Add((device.Seq, payload));
            }

            var client = new MqttClientFactory().CreateMqttClient();
            var sender = new DeviceSender(client, device, made);
            await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId(device.DeviceId)
                .WithCredentials(device.DeviceId, Password).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());
            var granted = await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(Topics.Ack(Product, device.DeviceId), MqttQualityOfServiceLevel.AtLeastOnce).Build());
            Assert.All(granted.Items, i => Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, i.ResultCode));
            return sender;
        }

        public async Task SendAsync(int from, int to, CancellationToken ct)
        {
            foreach (var (_, payload) in _batches[from..to])
            {
                var result = await _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(_device.EventsTopic).WithPayload(payload)
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), ct);
                Assert.True(result.IsSuccess, $"{_device.DeviceId}: the broker refused a batch: {result.ReasonCode}");
            }
        }

        public async Task WaitAckedAsync(long seq, CancellationToken ct)
        {
            while (Interlocked.Read(ref _acked) < seq)
            {
                await _progress.WaitAsync(ct);
            }
        }

        /// <summary>Until every record is acknowledged, sends again whatever is unacknowledged when the ack timeout passes without progress.</summary>
        public async Task RunUntilAckedAsync(TimeSpan ackTimeout, CancellationToken ct)
        {
            while (Interlocked.Read(ref _acked) < Total)
            {
                if (!await _progress.WaitAsync(ackTimeout, ct))
                {
                    var acked = Interlocked.Read(ref _acked);
                    var first = _batches.FindIndex(b => b.Last > acked);
                    await SendAsync(first, _batches.Count, ct);
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _client.DisconnectAsync();
            _client.Dispose();
            _progress.Dispose();
        }
    }
}
