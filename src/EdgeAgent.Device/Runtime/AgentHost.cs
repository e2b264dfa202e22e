using System.Diagnostics.CodeAnalysis;
using EdgeAgent.Core.Identity;
using EdgeAgent.Core.Ledger;
using EdgeAgent.Core.Outbox;
using EdgeAgent.Core.Pipelines;
using EdgeAgent.Core.Time;
using EdgeAgent.Core.Usage;
using EdgeAgent.Hardware.Monitoring;
using EdgeAgent.Hardware.Profiles;
using EdgeAgent.Mqtt;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Device.Runtime;

/// <summary>
/// The composition root of <c>edgeagent run</c>: configuration (JSON files in order, then <c>EDGEAGENT_</c> environment variables,
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
        IReadOnlyList<string> configFiles, IReadOnlyList<string> settings, TextWriter error, Action<IConfigurationBuilder, IServiceCollection>? extra)
    {
        IHost? built = null;
        (Composed?, int) Fail(int code)
        {
            built?.Dispose();
            return (null, code);
        }

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "edgeagent" });
        if (AddSources(builder.Configuration, configFiles, settings) is { } bad)
        {
            await error.WriteLineAsync($"error: {bad}").ConfigureAwait(false);
            return Fail(Cli.ExitCodes.BadInput);
        }

        // A product profile's board is the board a release is matched against, unless Updates:Board says otherwise.
        if (builder.Configuration["Hardware:Product"] is { Length: > 0 } && builder.Configuration["Updates:Board"] is null)
        {
            builder.Configuration.AddInMemoryCollection([new("Updates:Board", builder.Configuration["Hardware:Board"] ?? new HardwareProfileOptions().Board)]);
        }

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
            if (PipelineSourceProblems(services) is { Count: > 0 } problems)
            {
                foreach (var problem in problems)
                {
                    await error.WriteLineAsync($"error: {problem}").ConfigureAwait(false);
                }

                return Fail(Cli.ExitCodes.BadInput);
            }
        }
        catch (ProfileException e)
        {
            foreach (var problem in e.Errors)
            {
                await error.WriteLineAsync($"error: {problem}").ConfigureAwait(false);
            }

            return Fail(Cli.ExitCodes.BadInput);
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

    /// <summary>
    /// The configuration sources in precedence order: the JSON files in order, then <c>EDGEAGENT_</c> environment
    /// variables, then the <c>--set Key=Value</c> settings. Returns what is wrong (a missing file, a setting without '='), or null.
    /// </summary>
    public static string? AddSources(IConfigurationBuilder configuration, IReadOnlyList<string> configFiles, IReadOnlyList<string> settings)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(configFiles);
        ArgumentNullException.ThrowIfNull(settings);
        foreach (var configFile in configFiles)
        {
            if (!File.Exists(configFile))
            {
                return $"--config {configFile}: no such file";
            }

            configuration.AddJsonFile(Path.GetFullPath(configFile), optional: false);
        }

        configuration.AddEnvironmentVariables(EnvironmentPrefix);
        var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var setting in settings)
        {
            var eq = setting.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                return $"--set '{setting}' must be Key=Value, e.g. --set Mqtt:Broker=mqtt://127.0.0.1:1883";
            }

            overrides[setting[..eq]] = setting[(eq + 1)..];
        }

        configuration.AddInMemoryCollection(overrides);
        return null;
    }

    /// <summary>Runs the agent until <paramref name="cancellationToken"/> fires or the host is told to stop (SIGTERM, Ctrl-C).</summary>
    /// <param name="extra">
    /// Test hosts add a component and its configuration here (the end-to-end tests' record generator); the agent adds none.
    /// </param>
    public static async Task<int> RunAsync(
        IReadOnlyList<string> configFiles, IReadOnlyList<string> settings, TextWriter error, Action<IConfigurationBuilder, IServiceCollection>? extra, CancellationToken cancellationToken)
    {
        var (built, exit) = await BuildAsync(configFiles, settings, error, extra).ConfigureAwait(false);
        if (built is not { } composed)
        {
            return exit;
        }

        using var host = composed.Host;
        var services = host.Services;
        var slot = services.GetRequiredService<RuntimeSlot>();
        var agent = services.GetRequiredService<IOptions<AgentOptions>>().Value;
        var hardware = services.GetRequiredService<Hardware.HardwareSetup>();
        var time = services.GetRequiredService<TimeProvider>();
        var consentByButton = Hardware.ConsentByButton.Needed(hardware, agent.StateDirectory, time);
        try
        {
            var notifier = services.GetService<Microsoft.Extensions.Hosting.Systemd.ISystemdNotifier>();
            if (consentByButton && !await Hardware.ConsentByButton.WaitAsync(hardware, agent.StateDirectory, time, Console.Out, cancellationToken, notifier).ConfigureAwait(false))
            {
                return Cli.ExitCodes.Ok; // stopped before the owner consented: nothing was recorded
            }

            slot.Runtime = await AgentRuntime.OpenAsync(
                agent,
                services.GetRequiredService<IOptions<OutboxOptions>>().Value,
                services.GetRequiredService<IOptions<ModelsOptions>>().Value,
                services.GetRequiredService<IOptions<Updates.UpdatesOptions>>().Value,
                composed.Configuration,
                time,
                services.GetRequiredService<ILoggerFactory>(),
                cancellationToken).ConfigureAwait(false);
            slot.Runtime.ConsentMethod = consentByButton ? "button" : null;
        }
        catch (Exception e) when (e is DeviceNotProvisionedException or IOException or UnauthorizedAccessException or Contracts.Catalog.CatalogException)
        {
            await error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return Cli.ExitCodes.Failure;
        }

        await host.RunAsync(cancellationToken).ConfigureAwait(false);
        return Cli.ExitCodes.Ok;
    }

    /// <summary>Each pipeline's <c>Source</c> must be a camera or microphone of the product profile that its model reads.</summary>
    private static List<string> PipelineSourceProblems(IServiceProvider services)
    {
        var setup = services.GetRequiredService<Hardware.HardwareSetup>();
        var pipelines = services.GetRequiredService<IOptions<ModelsOptions>>().Value.Pipelines;
        var problems = new List<string>();
        var media = setup.Product?.Sensors.Where(s => s.Kind is "camera" or "microphone").Select(s => s.Id).ToList() ?? [];
        for (var i = 0; i < pipelines.Count; i++)
        {
            if (pipelines[i].Source is not { } source)
            {
                continue;
            }

            if (setup.Product?.Sensor(source) is not { Kind: "camera" or "microphone" })
            {
                problems.Add(setup.Enabled
                    ? $"Models:Pipelines:{i}:Source '{source}' is not a camera or microphone of product {setup.Product!.Id}; allowed: {string.Join(", ", media)}"
                    : $"Models:Pipelines:{i}:Source '{source}' needs a product profile (Hardware:Product) that has it");
            }
        }

        return problems;
    }

    /// <summary>The built host (not started) and the configuration it was built from.</summary>
    public sealed record Composed(IHost Host, IConfiguration Configuration);

    /// <summary>An unknown key in a section is an error: a misspelt setting must not be silently ignored.</summary>
    private static void Strict(BinderOptions binder) => binder.ErrorOnUnknownConfiguration = true;

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "The options types are bound by the configuration binding source generator and validated by Required, Range, RegularExpression and IValidatableObject on their own members (no nested ValidateObjectMembers); the published NativeAOT agent rejects bad values at start (README, Publish).")]
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
        services.AddOptions<HardwareProfileOptions>().BindConfiguration(HardwareProfileOptions.Section, Strict).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => Hardware.HardwareSetup.Resolve(sp.GetRequiredService<IOptions<HardwareProfileOptions>>().Value));
        // With a product profile and no pipelines configured, the profile's pipelines run on its camera and microphone.
        services.AddOptions<ModelsOptions>().PostConfigure<Hardware.HardwareSetup>((models, setup) =>
        {
            if (setup.Product is { } product && models.Pipelines.Count == 0)
            {
                models.Pipelines = [.. product.Pipelines.Select(p => new PipelineSpec { Model = p.Model, Source = p.Source })];
            }
        });
        services.AddSingleton<MediaActivity>();
        services.AddSingleton<Hardware.CompanionService>();
        services.AddSingleton<Hardware.HardwareService>();
        services.AddSingleton<Hardware.FieldControls>();
        services.AddSingleton<SessionRegistry>();
        services.AddSingleton<Updates.PipelineReadiness>();
        services.AddSingleton<StartupPagesRelease>();
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
        services.AddSingleton<Systemd.Liveness>();
        services.AddSingleton<AgentStatusFeed>();
        services.AddHostedService<StatusWriter>();
        services.AddHostedService<PipelineRunner>();
        services.AddHostedService(sp => sp.GetRequiredService<Updates.UpdateService>());
        services.AddHostedService<UsageReporter>();
        services.AddHostedService(sp => sp.GetRequiredService<StartupPagesRelease>());
        // Opens the companion link before the sensors start (its IMU and battery are sources); stops after them, and
        // before the usage reporter, so the last standby seconds it credits are in the last usage.summary.
        services.AddHostedService(sp => sp.GetRequiredService<Hardware.CompanionService>());
        // Tells the companion when the board suspends (logind's PrepareForSleep); starts after the link opened, stops before it closes.
        services.AddHostedService(sp => new Systemd.SystemSleepWatcher(
            Systemd.SystemSleepWatcher.SystemBusAddress, () => sp.GetRequiredService<Hardware.CompanionService>().Connection?.Link,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<Systemd.SystemSleepWatcher>>()));
        // Stops before the usage reporter, so the session open at shutdown ends before the last usage.summary is taken.
        services.AddHostedService(sp => sp.GetRequiredService<Hardware.HardwareService>());
        services.AddHostedService(sp => sp.GetRequiredService<Hardware.FieldControls>());
        // Last: it starts when everything else has, and stops first.
        Systemd.ServiceManager.Add(services);
    }

    /// <summary>Holds the runtime between its opening and the host's start.</summary>
    private sealed class RuntimeSlot
    {
        public AgentRuntime Runtime { get; set; } = null!;
    }

    /// <summary>The power-on and activation records at start, the power-off record at a clean stop.</summary>
    private sealed class AgentLifecycle(AgentRuntime runtime, Hardware.HardwareSetup hardware, ILogger<AgentLifecycle> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) =>
            runtime.RecordStartAsync(logger, commission: hardware.Product?.Controls?.Button?.Action != "commission", cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => runtime.RecordStopAsync(logger, cancellationToken);
    }
}
