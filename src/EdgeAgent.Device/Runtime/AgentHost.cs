using EdgeAgent.Core.Identity;
using EdgeAgent.Core.Ledger;
using EdgeAgent.Core.Outbox;
using EdgeAgent.Core.Pipelines;
using EdgeAgent.Core.Time;
using EdgeAgent.Core.Usage;
using EdgeAgent.Mqtt;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Device.Runtime;

/// <summary>
/// The composition root of <c>edgeagent run</c>: configuration (JSON file, then <c>EDGEAGENT_</c> environment variables,
/// then <c>--set Key=Value</c>), every component's options validated before anything opens, the runtime (identity,
/// outbox, ledger) opened, then the Generic Host with the publisher, the pipelines, usage reporting and the status file.
/// </summary>
internal static class AgentHost
{
    public const string EnvironmentPrefix = "EDGEAGENT_";

    /// <summary>
    /// The configuration and services of <c>run</c> (and of <c>doctor</c>, which checks them without running): every
    /// component's options validated; null with the exit code after the errors were written to <paramref name="error"/>.
    /// </summary>
    public static async Task<(Composed? Composed, int Exit)> BuildAsync(
        string? configFile, IReadOnlyList<string> settings, TextWriter error, Action<IConfigurationBuilder, IServiceCollection>? extra)
    {
        IHost? built = null;
        (Composed?, int) Fail(int code)
        {
            built?.Dispose();
            return (null, code);
        }

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "edgeagent" });
        if (configFile is not null)
        {
            if (!File.Exists(configFile))
            {
                await error.WriteLineAsync($"error: --config {configFile}: no such file").ConfigureAwait(false);
                return Fail(Cli.ExitCodes.BadInput);
            }

            builder.Configuration.AddJsonFile(Path.GetFullPath(configFile), optional: false);
        }

        builder.Configuration.AddEnvironmentVariables(EnvironmentPrefix);
        var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var setting in settings)
        {
            var eq = setting.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                await error.WriteLineAsync($"error: --set '{setting}' must be Key=Value, e.g. --set Mqtt:Broker=mqtt://127.0.0.1:1883").ConfigureAwait(false);
                return Fail(Cli.ExitCodes.BadInput);
            }

            overrides[setting[..eq]] = setting[(eq + 1)..];
        }

        builder.Configuration.AddInMemoryCollection(overrides);
        // After enrolment at the hub (provision --hub), an mqtts broker uses the certificate, key and CA in the state directory.
        builder.Configuration.AddInMemoryCollection(Provisioning.HubEnrolment.TlsDefaults(
            builder.Configuration["Mqtt:Broker"], builder.Configuration["Mqtt:ClientCertFile"], builder.Configuration["Mqtt:CaFile"],
            builder.Configuration[$"{AgentOptions.Section}:StateDirectory"] ?? new AgentOptions().StateDirectory));
        extra?.Invoke(builder.Configuration, builder.Services);
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; });
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        Compose(builder.Services, builder.Configuration);

        var host = built = builder.Build();
        var services = host.Services;
        try
        {
            services.GetRequiredService<IStartupValidator>().Validate();
        }
        catch (OptionsValidationException e)
        {
            foreach (var failure in e.Failures)
            {
                await error.WriteLineAsync($"error: {failure}").ConfigureAwait(false);
            }

            return Fail(Cli.ExitCodes.BadInput);
        }
        catch (InvalidOperationException e) when (e.Message.Contains("ErrorOnUnknownConfiguration", StringComparison.Ordinal))
        {
            await error.WriteLineAsync($"error: unknown setting: {e.Message}").ConfigureAwait(false);
            return Fail(Cli.ExitCodes.BadInput);
        }
        catch (InvalidOperationException e) when (e.InnerException is FormatException or InvalidCastException or OverflowException)
        {
            await error.WriteLineAsync($"error: {e.Message} {e.InnerException.Message}").ConfigureAwait(false);
            return Fail(Cli.ExitCodes.BadInput);
        }

        try
        {
            _ = services.GetRequiredService<Contracts.Releases.ReleaseTrust>();
        }
        catch (ArgumentException e)
        {
            await error.WriteLineAsync($"error: Updates:TrustedKeys: {e.Message}").ConfigureAwait(false);
            return Fail(Cli.ExitCodes.BadInput);
        }

        return (new Composed(host, builder.Configuration), Cli.ExitCodes.Ok);
    }

    /// <summary>Runs the agent until <paramref name="cancellationToken"/> fires or the host is told to stop (SIGTERM, Ctrl-C).</summary>
    /// <param name="extra">
    /// Test hosts add a component and its configuration here (the end-to-end tests' record generator); the agent adds none.
    /// </param>
    public static async Task<int> RunAsync(
        string? configFile, IReadOnlyList<string> settings, TextWriter error, Action<IConfigurationBuilder, IServiceCollection>? extra, CancellationToken cancellationToken)
    {
        var (built, exit) = await BuildAsync(configFile, settings, error, extra).ConfigureAwait(false);
        if (built is not { } composed)
        {
            return exit;
        }

        using var host = composed.Host;
        var services = host.Services;
        var slot = services.GetRequiredService<RuntimeSlot>();
        try
        {
            slot.Runtime = await AgentRuntime.OpenAsync(
                services.GetRequiredService<IOptions<AgentOptions>>().Value,
                services.GetRequiredService<IOptions<OutboxOptions>>().Value,
                services.GetRequiredService<IOptions<ModelsOptions>>().Value,
                services.GetRequiredService<IOptions<Updates.UpdatesOptions>>().Value,
                composed.Configuration,
                services.GetRequiredService<TimeProvider>(),
                services.GetRequiredService<ILoggerFactory>(),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DeviceNotProvisionedException or IOException or UnauthorizedAccessException or Contracts.Catalog.CatalogException)
        {
            await error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return Cli.ExitCodes.Failure;
        }

        await host.RunAsync(cancellationToken).ConfigureAwait(false);
        return Cli.ExitCodes.Ok;
    }

    /// <summary>The built host (not started) and the configuration it was built from.</summary>
    public sealed record Composed(IHost Host, IConfiguration Configuration);

    /// <summary>An unknown key in a section is an error: a misspelt setting must not be silently ignored.</summary>
    private static void Strict(BinderOptions binder) => binder.ErrorOnUnknownConfiguration = true;

    private static void Compose(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<AgentOptions>().BindConfiguration(AgentOptions.Section, Strict).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.Section, Strict).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<UsageOptions>().BindConfiguration(UsageOptions.Section, Strict).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ModelsOptions>().BindConfiguration(ModelsOptions.Section, Strict).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<Updates.UpdatesOptions>().BindConfiguration(Updates.UpdatesOptions.Section, Strict).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<Updates.Download.DownloaderOptions>().BindConfiguration(Updates.Download.DownloaderOptions.Section, Strict).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<Updates.UpdatesOptions>>().Value;
            return Contracts.Releases.ReleaseTrust.FromPemFiles(o.TrustedKeys, o.RevokedKeys);
        });
        services.AddSingleton<SessionRegistry>();
        services.AddSingleton<Updates.PipelineReadiness>();
        services.AddSingleton<Updates.UpdateService>();
        services.AddSingleton<Core.Updates.IModelDirectiveSink>(sp => sp.GetRequiredService<Updates.UpdateService>());

        // The runtime is opened after the options were validated and before the host starts; components reach it here.
        services.AddSingleton<RuntimeSlot>();
        services.AddSingleton(sp => sp.GetRequiredService<RuntimeSlot>().Runtime);
        services.AddSingleton(sp => sp.GetRequiredService<AgentRuntime>().Outbox);
        services.AddSingleton(sp => sp.GetRequiredService<AgentRuntime>().Signal);
        services.AddSingleton<ICheckpointSigner>(sp => sp.GetRequiredService<AgentRuntime>().Ledger);
        services.AddSingleton<IClockSyncParty>(sp => sp.GetRequiredService<AgentRuntime>().Ledger);
        services.AddSingleton<InferenceUsage>();
        services.AddSingleton(sp => new UsageAccountant(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<InferenceUsage>()));

        // Start order; they stop in reverse, so the last records (usage, power off) are written before the publisher stops.
        services.AddEdgeAgentMqtt(configuration);
        services.AddHostedService<AgentLifecycle>();
        services.AddHostedService<StatusWriter>();
        services.AddHostedService<PipelineRunner>();
        services.AddHostedService(sp => sp.GetRequiredService<Updates.UpdateService>());
        services.AddHostedService<UsageReporter>();
    }

    /// <summary>Holds the runtime between its opening and the host's start.</summary>
    private sealed class RuntimeSlot
    {
        public AgentRuntime Runtime { get; set; } = null!;
    }

    /// <summary>The power-on and activation records at start, the power-off record at a clean stop.</summary>
    private sealed class AgentLifecycle(AgentRuntime runtime, ILogger<AgentLifecycle> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => runtime.RecordStartAsync(logger, cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => runtime.RecordStopAsync(logger, cancellationToken);
    }
}
