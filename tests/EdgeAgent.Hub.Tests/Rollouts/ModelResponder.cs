using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using System.Threading.Channels;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Contracts.Releases;
using EdgeAgent.Hub.Tests.Support;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeAgent.Hub.Tests.Rollouts;

/// <summary>
/// Synthetic devices answering model directives as the agent does, over the real broker and ingestion: each has its own
/// MQTT connection subscribed to its <c>cmd/model</c>; on <c>install</c> it fetches <c>release.json</c> and the artifact
/// from the URLs in the directive, checks the signature (<see cref="ReleaseTrust"/>) and the hash, and reports
/// downloading … committed as one signed batch of <c>model.update</c> records, or, for a device in <see cref="Failing"/>,
/// downloading … probation, rolling_back, failed (probation.errors, rolled back). On <c>rollback</c> a device that
/// committed reports rolling_back, failed (rollback.ordered). One loop handles the directives in arrival order.
/// </summary>
internal sealed class ModelResponder : IAsyncDisposable
{
    private readonly Channel<(TestDevice Device, ModelDirective Directive)> _inbox = Channel.CreateUnbounded<(TestDevice, ModelDirective)>();
    private readonly Dictionary<string, (TestDevice Device, IMqttClient Client)> _devices = new(StringComparer.Ordinal);
    private readonly ReleaseTrust _trust;
    private readonly HttpClient _http = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, bool> _committed = new(StringComparer.Ordinal);
    private long _clock;
    private Task _loop = Task.CompletedTask;

    private ModelResponder(ReleaseTrust trust)
    {
        _trust = trust;
    }

    /// <summary>Devices that fail probation when told to install.</summary>
    public ConcurrentDictionary<string, bool> Failing { get; } = new(StringComparer.Ordinal);

    /// <summary>Every directive each device received, in order, with the tick it arrived at.</summary>
    public ConcurrentDictionary<string, ConcurrentQueue<(long Tick, ModelDirective Directive)>> Received { get; } = new(StringComparer.Ordinal);

    /// <summary>The tick at which each device sent its final report (committed or failed) of its install.</summary>
    public ConcurrentDictionary<string, long> Finished { get; } = new(StringComparer.Ordinal);

    /// <summary>Problems a device found in what the hub sent (bad signature, wrong hash, unreadable directive); expected empty.</summary>
    public ConcurrentQueue<string> Problems { get; } = new();

    public static async Task<ModelResponder> StartAsync(Uri broker, IReadOnlyList<TestDevice> devices, ReleaseTrust trust, IEnumerable<string>? failing = null)
    {
        var responder = new ModelResponder(trust);
        foreach (var d in failing ?? [])
        {
            responder.Failing[d] = true;
        }

        try
        {
            foreach (var device in devices)
            {
                var client = new MqttClientFactory().CreateMqttClient();
                client.ApplicationMessageReceivedAsync += e => responder.OnDirectiveAsync(device, e);
                responder._devices[device.DeviceId] = (device, client);
                using var cts = new CancellationTokenSource(DeviceClient.Timeout);
                await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(broker.Host, broker.Port).WithClientId(device.DeviceId)
                    .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build(), cts.Token);
                await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
                    .WithTopicFilter(Topics.Command(device.ProductId, device.DeviceId, Topics.ModelCommand), MqttQualityOfServiceLevel.AtLeastOnce).Build(), cts.Token);
            }

            responder._loop = responder.RunAsync(responder._stop.Token);
            return responder;
        }
        catch
        {
            await responder.DisposeAsync();
            throw;
        }
    }

    /// <summary>The last directive a device received, if any.</summary>
    public ModelDirective? Last(string device) => Received.TryGetValue(device, out var q) && q.LastOrDefault() is { Directive: { } d } ? d : null;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _inbox.Writer.TryComplete();
        try
        {
            await _loop;
        }
        catch (Exception e) when (_stop.IsCancellationRequested && e is OperationCanceledException or MQTTnet.Exceptions.MqttCommunicationException)
        {
            // stopped while answering (MQTTnet reports a publish cancelled mid-flight as a time-out)
        }

        foreach (var (_, client) in _devices.Values)
        {
            if (client.IsConnected)
            {
                await client.DisconnectAsync();
            }

            client.Dispose();
        }

        _http.Dispose();
        _stop.Dispose();
    }

    private Task OnDirectiveAsync(TestDevice device, MqttApplicationMessageReceivedEventArgs e)
    {
        var directive = ModelDirective.TryParse(System.Buffers.BuffersExtensions.ToArray(e.ApplicationMessage.Payload), out var error);
        if (directive is null)
        {
            Problems.Enqueue($"{device.DeviceId}: {error}");
            return Task.CompletedTask;
        }

        Received.GetOrAdd(device.DeviceId, _ => new()).Enqueue((Interlocked.Increment(ref _clock), directive));
        _inbox.Writer.TryWrite((device, directive));
        return Task.CompletedTask;
    }

    private async Task RunAsync(CancellationToken ct)
    {
        await foreach (var (device, directive) in _inbox.Reader.ReadAllAsync(ct))
        {
            try
            {
                await AnswerAsync(device, directive, ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested && e is HttpRequestException or MQTTnet.Exceptions.MqttCommunicationException or System.Text.Json.JsonException)
            {
                Problems.Enqueue($"{device.DeviceId}: answering {directive.Action} failed: {e.Message}");
            }
        }
    }

    private async Task AnswerAsync(TestDevice device, ModelDirective directive, CancellationToken ct)
    {
        var states = directive.Action == ModelDirective.Install ? await InstallAsync(device, directive, ct) : Rollback(device);
        if (states.Count == 0)
        {
            return;
        }

        var records = states.Select((s, i) => device.Next(RecordTypes.ModelUpdate, Data(directive, s.State, s.Reason, s.RolledBack), monoMs: 10_000 + (device.Seq * 10) + i)).ToList();
        var (_, client) = _devices[device.DeviceId];
        await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(device.EventsTopic).WithPayload(device.Batch(records))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), ct);
        if (directive.Action == ModelDirective.Install)
        {
            Finished[device.DeviceId] = Interlocked.Increment(ref _clock);
        }
    }

    private async Task<List<(string State, string? Reason, bool RolledBack)>> InstallAsync(TestDevice device, ModelDirective directive, CancellationToken ct)
    {
        var release = SignedRelease.Parse(await _http.GetByteArrayAsync(new Uri(directive.ManifestUrl), ct));
        var check = _trust.Check(release);
        var artifact = await _http.GetByteArrayAsync(new Uri(directive.ArtifactUrl), ct);
        var sha = Convert.ToHexStringLower(SHA256.HashData(artifact));
        if (!check.Accepted || check.Manifest!.Sha256 != directive.Sha256 || sha != directive.Sha256 || artifact.Length != directive.Size)
        {
            Problems.Enqueue($"{device.DeviceId}: release {check.Refusal} {check.Reason}, artifact {sha} ({artifact.Length} bytes) for directive {directive.Sha256}");
            return [(UpdateStates.Failed, UpdateFailures.HashMismatch, false)];
        }

        List<(string, string?, bool)> progress = [(UpdateStates.Downloading, null, false), (UpdateStates.Verifying, null, false), (UpdateStates.Staging, null, false),
            (UpdateStates.Activating, null, false), (UpdateStates.Probation, null, false)];
        if (Failing.ContainsKey(device.DeviceId))
        {
            return [.. progress, (UpdateStates.RollingBack, UpdateFailures.ProbationErrors, false), (UpdateStates.Failed, UpdateFailures.ProbationErrors, true)];
        }

        _committed[device.DeviceId] = true;
        return [.. progress, (UpdateStates.Committed, null, false)];
    }

    private List<(string State, string? Reason, bool RolledBack)> Rollback(TestDevice device) =>
        _committed.TryRemove(device.DeviceId, out _) ? [(UpdateStates.RollingBack, UpdateFailures.Ordered, false), (UpdateStates.Failed, UpdateFailures.Ordered, true)] : [];

    private static string Data(ModelDirective d, string state, string? reason, bool rolledBack) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["campaign"] = d.Campaign,
        ["name"] = d.Name,
        ["version"] = d.Version,
        ["state"] = state,
        ["reason"] = reason,
        ["detail"] = reason is null ? null : $"synthetic {reason}",
        ["rolled_back"] = rolledBack,
    });
}
