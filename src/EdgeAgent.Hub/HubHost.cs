using EdgeAgent.Hub.Broker;
using EdgeAgent.Hub.Ingestion;
using EdgeAgent.Hub.Store;
using EdgeAgent.Hub.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Hub;

/// <summary>
/// <c>edgehub serve</c> as an object: one ASP.NET Core host with the embedded broker (unless an external one is named),
/// ingestion, the rollout engine, and the HTTP endpoint (<see cref="HttpUri"/>) that serves the REST API and the dashboard. <see cref="StartAsync"/> returns once ingestion is connected and subscribed, so whatever is published
/// after it is ingested. Tests start it in-process on a free loopback port.
/// </summary>
internal sealed class HubHost : IAsyncDisposable
{
    private readonly WebApplication _host;

    private HubHost(WebApplication host, HubOptions options)
    {
        _host = host;
        BrokerUri = options.BrokerUri();
        HttpUri = new Uri(host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        DatabasePath = Path.GetFullPath(options.DatabasePath);
        Embedded = options.ExternalBroker is null;
        MqttsUri = Identity.IdentityServices.MqttsUri(options);
    }

    /// <summary>The embedded broker's TLS listener for devices with hub certificates (<see cref="HubOptions.Mqtts"/>), if any.</summary>
    public Uri? MqttsUri { get; }

    /// <summary>Where devices (and ingestion) connect.</summary>
    public Uri BrokerUri { get; }

    /// <summary>Where the REST API and dashboard listen (the bound port when <see cref="HubOptions.Http"/> asked for port 0).</summary>
    public Uri HttpUri { get; }

    public string DatabasePath { get; }

    /// <summary>The host's services, for tests that reach a component directly.</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>True when this hub runs its own broker.</summary>
    public bool Embedded { get; }

    /// <summary>Validates <paramref name="options"/>, creates the database if needed, starts the host and waits until ingestion is subscribed.</summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public static async Task<HubHost> StartAsync(HubOptions options, Action<ILoggingBuilder>? logging = null, TimeProvider? time = null, bool consoleLifetime = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", problems), nameof(options));
        }

        // Opening once here creates the schema and reports a bad database before anything listens.
        HubStore.Open(options.DatabasePath).Dispose();

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        _ = HubOptions.TryParseListen(options.Http, out var httpAddress, out var httpPort, allowPortZero: true);
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(httpAddress, httpPort));
        builder.Services.AddRoutingCore();
        builder.Logging.ClearProviders();
        if (logging is not null)
        {
            logging(builder.Logging);
        }
        else
        {
            // ASP.NET Core logs every request at Information (devices fetching artifacts, the dashboard polling): warnings only.
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information).AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        }

        if (consoleLifetime)
        {
            builder.Services.AddSingleton<IHostLifetime, Microsoft.Extensions.Hosting.Internal.ConsoleLifetime>();
            builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        }

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(time ?? TimeProvider.System);
        if (options.ExternalBroker is null)
        {
            builder.Services.AddHostedService<EmbeddedBroker>();
        }

        Identity.IdentityServices.Add(builder.Services, options);
        builder.Services.AddSingleton<IngestionService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<IngestionService>());
        builder.Services.AddSingleton<Rollouts.IDirectivePublisher>(sp => sp.GetRequiredService<IngestionService>());
        builder.Services.AddSingleton<Rollouts.RolloutEngine>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Rollouts.RolloutEngine>());
        builder.Services.AddHubWeb();
        var host = builder.Build();
        host.UseRouting();
        host.UseHubWeb();
        HubEndpoints.Map(host);
        try
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
            await host.Services.GetRequiredService<IngestionService>().Ready.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await host.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new HubHost(host, options);
    }

    /// <summary>Completes when the host is asked to stop (Ctrl-C, SIGTERM with the console lifetime).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _host.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            await _host.DisposeAsync().ConfigureAwait(false);
        }
    }
}
