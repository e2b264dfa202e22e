using System.Net;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Contracts.Releases;
using EdgeAgent.Hub.Releases;
using EdgeAgent.Hub.Store;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MQTTnet.Exceptions;

namespace EdgeAgent.Hub.Rollouts;

/// <summary>
/// The campaign engine of <c>edgehub serve</c>: every <see cref="HubOptions.RolloutInterval"/> it takes one
/// <see cref="StepAsync"/> over the campaigns still in progress: reads the devices' ingested <c>model.update</c> records,
/// decides (<see cref="RolloutDecision"/>), persists the decision, and only then publishes the directives it decided
/// (retained, QoS 1, on <c>ea/v1/{product}/{device}/cmd/model</c>), marking each published once the broker has it. A step
/// that fails is logged and tried again after a back-off; a directive that cannot be published now is published at a
/// later step. At start every directive of an unfinished campaign is published again (the embedded broker keeps retained
/// messages in memory only).
/// </summary>
internal sealed class RolloutEngine : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly HubOptions _options;
    private readonly IDirectivePublisher _publisher;
    private readonly TimeProvider _time;
    private readonly ILogger<RolloutEngine> _logger;
    private readonly IServer _server;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly Dictionary<string, string> _seen = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _stepLock = new(1, 1);
    private Uri? _publicUrl;

    public RolloutEngine(HubOptions options, IDirectivePublisher publisher, TimeProvider time, ILogger<RolloutEngine> logger, IServer server, IHostApplicationLifetime lifetime)
    {
        _options = options;
        _publisher = publisher;
        _time = time;
        _logger = logger;
        _server = server;
        _lifetime = lifetime;
    }

    /// <summary>Where devices fetch releases: <c>--public-url</c>, else the bound HTTP address (a wildcard address replaced by this host's name).</summary>
    public Uri PublicUrl => _publicUrl ??= _options.PublicUrl ?? FromServer();

    public override void Dispose()
    {
        _stepLock.Dispose();
        base.Dispose();
    }

    /// <summary>One pass over the campaigns in progress; returns how many directives it published. Serialised with the loop's own steps.</summary>
    public async Task<int> StepAsync(CancellationToken cancellationToken)
    {
        await _stepLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var published = 0;
            using var store = HubStore.Open(_options.DatabasePath);
            var rollouts = new RolloutStore(store, _time);
            foreach (var campaign in rollouts.Active())
            {
                published += await StepCampaignAsync(store, rollouts, campaign, cancellationToken).ConfigureAwait(false);
            }

            return published;
        }
        finally
        {
            _stepLock.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The first step waits for the host (and so Kestrel's bound address, the public URL's default) to be up.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (_lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            try
            {
                await started.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        var failures = 0;
        var republished = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            var delay = _options.RolloutInterval;
            try
            {
                if (!republished)
                {
                    using var store = HubStore.Open(_options.DatabasePath);
                    Log.EngineStarted(_logger, (long)_options.RolloutInterval.TotalMilliseconds, PublicUrl.ToString(), new RolloutStore(store, _time).MarkAllUnsent());
                    republished = true;
                }

                await StepAsync(stoppingToken).ConfigureAwait(false);
                failures = 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException or InvalidOperationException or FormatException or System.Text.Json.JsonException)
            {
                failures++;
                delay = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, _options.RolloutInterval.Ticks << Math.Min(failures, 10)));
                Log.StepFailed(_logger, (long)delay.TotalMilliseconds, e);
            }

            try
            {
                await Task.Delay(delay, _time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<int> StepCampaignAsync(HubStore store, RolloutStore rollouts, CampaignRow campaign, CancellationToken ct)
    {
        if (_seen.TryGetValue(campaign.Id, out var was) && was != campaign.State)
        {
            Log.CampaignStateChanged(_logger, campaign.Id, campaign.Name, campaign.Version, was, campaign.State, campaign.Reason); // an operator's pause, resume or abort
        }

        _seen[campaign.Id] = campaign.State;
        foreach (var (device, state, reason) in rollouts.ReadOutcomes(campaign.Id))
        {
            Log.DeviceReported(_logger, campaign.Id, device, state, reason ?? "-");
        }

        var actions = RolloutDecision.Decide(rollouts.Snapshot(campaign));
        if (!rollouts.Apply(campaign, actions))
        {
            return 0; // changed by an operator meanwhile: decided again at the next step
        }

        if (actions.NewState is { } to)
        {
            Log.CampaignStateChanged(_logger, campaign.Id, campaign.Name, campaign.Version, campaign.State, to, actions.Reason ?? "");
            _seen[campaign.Id] = to;
        }
        else if (actions.NewWave is not null)
        {
            Log.WaveDirected(_logger, campaign.Id, actions.Reason ?? "");
        }

        var unsent = rollouts.Unsent(campaign.Id);
        if (unsent.Count == 0)
        {
            return 0;
        }

        var release = new ReleaseRegistry(store, new ArtifactStore(store.Path), _time).Find(campaign.Name, campaign.Version)
            ?? throw new InvalidOperationException($"campaign {campaign.Id}: release {campaign.Name} {campaign.Version} is no longer in the registry");
        var published = 0;
        foreach (var (device, product, action) in unsent)
        {
            var topic = Topics.Command(product, device, Topics.ModelCommand);
            var directive = Directive(campaign, release, action);
            try
            {
                await _publisher.PublishRetainedAsync(topic, directive.ToJson(), ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is MqttCommunicationException or InvalidOperationException)
            {
                Log.DirectivePublishFailed(_logger, campaign.Id, action, topic, e);
                break; // the connection is likely down: the rest go at a later step
            }

            rollouts.MarkSent(campaign.Id, device, action);
            Log.DirectivePublished(_logger, campaign.Id, action, topic);
            published++;
        }

        return published;
    }

    private ModelDirective Directive(CampaignRow campaign, ReleaseRow release, string action)
    {
        var root = PublicUrl.ToString().TrimEnd('/');
        return new ModelDirective
        {
            Campaign = campaign.Id,
            Action = action,
            Name = release.Name,
            Version = release.Version,
            Sha256 = release.Sha256,
            Size = release.Size,
            ManifestUrl = root + ReleaseEndpoints.ManifestPath(release.Name, release.Version),
            ArtifactUrl = root + ReleaseEndpoints.ArtifactPath(release.Sha256),
            Probation = campaign.Probation,
        };
    }

    private Uri FromServer()
    {
        var address = _server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("the HTTP server has no bound address yet; set --public-url");
        var uri = new UriBuilder(address);
        if (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any)))
        {
            uri.Host = Dns.GetHostName();
        }

        return uri.Uri;
    }
}
