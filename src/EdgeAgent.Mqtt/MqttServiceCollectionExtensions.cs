using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EdgeAgent.Mqtt;

public static class MqttServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates <see cref="MqttOptions"/> (section <c>Mqtt</c>, checked at start; an unknown key is an error, so
    /// a misspelt setting cannot be silently ignored) and registers
    /// <see cref="OutboxPublisher"/> as a singleton and hosted service. The composition root registers IOutbox,
    /// ICheckpointSigner, IClockSyncParty, AppendSignal and TimeProvider.
    /// </summary>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "The options types are bound by the configuration binding source generator and validated by Required, Range, RegularExpression and IValidatableObject on their own members (no nested ValidateObjectMembers); the published NativeAOT agent rejects bad values at start (README, Publish).")]
    public static IServiceCollection AddEdgeAgentMqtt(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<MqttOptions>()
            .Bind(configuration.GetSection(MqttOptions.Section), o => o.ErrorOnUnknownConfiguration = true)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<OutboxPublisher>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxPublisher>());
        return services;
    }
}
