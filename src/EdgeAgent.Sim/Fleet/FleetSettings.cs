using EdgeAgent.Mqtt;
using EdgeAgent.Sim.Faults;
using EdgeAgent.Sim.Report;

namespace EdgeAgent.Sim.Fleet;

/// <summary>Where a virtual device keeps its outbox.</summary>
internal enum OutboxMode
{
    /// <summary><see cref="Outbox.MemoryOutbox"/>: for scale; not durable.</summary>
    Memory,

    /// <summary>The real SQLite outbox of EdgeAgent.Storage, one database per device under the state directory (synchronous=FULL).</summary>
    Sqlite,
}

/// <summary>Everything one <c>edgesim run</c> does, checked by the command line before the run starts.</summary>
internal sealed record FleetSettings
{
    public required string FleetDirectory { get; init; }

    public required IReadOnlyList<FleetMember> Members { get; init; }

    /// <summary>The publishers' settings (broker, batching, timeouts); the client id is each device's serial.</summary>
    public required MqttOptions Mqtt { get; init; }

    /// <summary>Records per second per device.</summary>
    public double Rate { get; init; } = 1;

    /// <summary>How long records are made, from the first start (the ramp is part of it).</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The devices start evenly spread over this time.</summary>
    public TimeSpan Ramp { get; init; } = TimeSpan.FromSeconds(10);

    public IReadOnlyList<FaultSpec> Faults { get; init; } = [];

    /// <summary>How long a disconnect lasts.</summary>
    public TimeSpan DisconnectFor { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Records a duplicate fault sends again (at most <see cref="Outbox.ObservedOutbox.Kept"/>).</summary>
    public int DuplicateRecords { get; init; } = 10;

    public TimeSpan Progress { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>At the end, how long to wait for the hub to acknowledge everything.</summary>
    public TimeSpan Drain { get; init; } = TimeSpan.FromSeconds(60);

    public int Seed { get; init; } = 1;

    public OutboxMode Outbox { get; init; } = OutboxMode.Memory;

    /// <summary>The hub's store, for the figures the hub holds (null: the simulator's own only).</summary>
    public IHubCounts? Hub { get; init; }

    /// <summary>The hub's processes, for their resident memory over the run (null: not sampled).</summary>
    public ProcessMemory? HubMemory { get; init; }
}
