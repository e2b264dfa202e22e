using EdgeAgent.Hub.Broker;
using EdgeAgent.Hub.Ingestion;
using EdgeAgent.Hub.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Hub;

/// <summary>
/// <c>edgehub serve</c> as an object: the Generic Host with the embedded broker (unless an external one is named) and
/// ingestion. <see cref="StartAsync"/> returns once ingestion is connected and subscribed, so whatever is published
/// after it is ingested. Tests start it in-process on a free loopback port.
/// </summary>
internal sealed class HubHost : IAsyncDisposable
{
    private readonly IHost _host;

    private HubHost(IHost host, HubOptions options)
    {
        _host = host;
        BrokerUri = options.BrokerUri();
        DatabasePath = Path.GetFullPath(options.DatabasePath);
        Embedded = options.ExternalBroker is null;
    }

    /// <summary>Where devices (and ingestion) connect.</summary>
    public Uri BrokerUri { get; }

    public string DatabasePath { get; }

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

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        if (logging is not null)
        {
            logging(builder.Logging);
        }
        else
        {
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information);
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

        builder.Services.AddSingleton<IngestionService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<IngestionService>());
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
            await host.Services.GetRequiredService<IngestionService>().Ready.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            host.Dispose();
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
            _host.Dispose();
        }
    }
}
