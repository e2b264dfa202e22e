using EdgeAgent.TestKit.IO;
using EdgeAgent.TestKit.Mqtt;

namespace EdgeAgent.Device.Tests.Runtime;

/// <summary>The settings of a real agent run as a product profile replaying a trace: this repository's catalog, model cache and profiles, the broker given.</summary>
internal static class ReplayedAgent
{
    public static string[] Settings(string state, EmbeddedMqttBroker broker, string product, string trace, params string[] more) =>
    [
        $"Agent:StateDirectory={state}", $"Mqtt:Broker=mqtt://{EmbeddedMqttBroker.Host}:{broker.Port}", "Agent:StatusInterval=00:00:00.100",
        $"Models:Catalog={RepositoryRoot.Combine("models", "catalog.json")}", $"Models:Cache={RepositoryRoot.Combine("models", ".cache")}",
        $"Hardware:Profiles={RepositoryRoot.Combine("hardware")}", "Hardware:Board=simulated", $"Hardware:Product={product}", $"Hardware:Replay={trace}",
        .. more,
    ];
}
