using EdgeAgent.Hub.Ingestion;
using EdgeAgent.Hub.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Hub;

/// <summary>
/// <c>edgehub serve --store postgres://... --broker mqtt://...</c> as an object: one ingestion worker of a scale-out
/// hub, and nothing else. No embedded broker (the workers share an external one), no REST API, dashboard or rollout
/// engine: those read the registry, accounts, releases and campaigns, which live in the SQLite database only.
/// <see cref="StartAsync"/> returns once ingestion is subscribed.
/// </summary>
internal sealed class WorkerHost : IAsyncDisposable
{
    private readonly IHost _host;

    private WorkerHost(IHost host) => _host = host;

    /// <summary>The host's services, for tests that reach a component directly.</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>Validates <paramref name="options"/>, creates or migrates the PostgreSQL schema, starts ingestion and waits until it is subscribed.</summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public static async Task<WorkerHost> StartAsync(HubOptions options, Action<ILoggingBuilder>? logging = null, TimeProvider? time = null, bool consoleLifetime = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0 || !options.IsWorker)
        {
            throw new ArgumentException(problems.Count > 0 ? string.Join("; ", problems) : "a worker needs --store postgres://...", nameof(options));
        }

        // Opening once here migrates the schema and reports an unreachable server before anything subscribes.
        PostgresStore.Open(options.Store!).Dispose();

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
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
        Identity.IdentityServices.Add(builder.Services, options);
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

        return new WorkerHost(host);
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
