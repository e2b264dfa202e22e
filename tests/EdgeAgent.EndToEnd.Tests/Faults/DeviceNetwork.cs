using System.Globalization;

namespace EdgeAgent.EndToEnd.Tests.Faults;

/// <summary>
/// The device's own network namespace, joined to the host by a veth pair: the host end has <see cref="HostAddress"/>
/// (the broker listens there too), the device end .2 of the same /30. Both addresses are in 198.18.0.0/15, the range set
/// aside for benchmarking (RFC 2544), on links this test made; no packet leaves the machine. The partition takes the
/// host end down: the device keeps its address and route, its packets go nowhere and nothing comes back, as when a
/// radio link drops, and the TCP connection learns it only from its own timeouts.
/// </summary>
internal sealed class DeviceNetwork : IAsyncDisposable
{
    private readonly string _hostLink;

    private DeviceNetwork(string name, string hostLink, string hostAddress)
    {
        Name = name;
        _hostLink = hostLink;
        HostAddress = hostAddress;
    }

    public string Name { get; }

    public string HostAddress { get; }

    /// <summary>Runs the agent inside the namespace (<c>ip netns exec</c> execs it: the process is the agent's).</summary>
    public IReadOnlyList<string> Prefix => [FaultHost.Ip, "netns", "exec", Name];

    public static async Task<DeviceNetwork> CreateAsync()
    {
        var id = Environment.ProcessId % 10000;
        var name = string.Create(CultureInfo.InvariantCulture, $"edgeagent-fault-{id}");
        var host = string.Create(CultureInfo.InvariantCulture, $"eaf{id}h");
        var device = string.Create(CultureInfo.InvariantCulture, $"eaf{id}d");
        var subnet = string.Create(CultureInfo.InvariantCulture, $"198.18.{id % 250}");
        var network = new DeviceNetwork(name, host, $"{subnet}.1");
        // What a killed earlier run of this process id left behind goes first.
        if (Directory.Exists($"/sys/class/net/{host}"))
        {
            await FaultHost.RunAsync(FaultHost.Ip, "link", "del", host);
        }

        if (File.Exists($"/run/netns/{name}"))
        {
            await FaultHost.RunAsync(FaultHost.Ip, "netns", "del", name);
        }

        await FaultHost.RunAsync(FaultHost.Ip, "netns", "add", name);
        await FaultHost.RunAsync(FaultHost.Ip, "link", "add", host, "type", "veth", "peer", "name", device);
        await FaultHost.RunAsync(FaultHost.Ip, "link", "set", device, "netns", name);
        await FaultHost.RunAsync(FaultHost.Ip, "addr", "add", $"{subnet}.1/30", "dev", host);
        await FaultHost.RunAsync(FaultHost.Ip, "link", "set", host, "up");
        await FaultHost.RunAsync(FaultHost.Ip, "-n", name, "addr", "add", $"{subnet}.2/30", "dev", device);
        await FaultHost.RunAsync(FaultHost.Ip, "-n", name, "link", "set", device, "up");
        await FaultHost.RunAsync(FaultHost.Ip, "-n", name, "link", "set", "lo", "up");
        return network;
    }

    public Task PartitionAsync() => FaultHost.RunAsync(FaultHost.Ip, "link", "set", _hostLink, "down");

    public Task HealAsync() => FaultHost.RunAsync(FaultHost.Ip, "link", "set", _hostLink, "up");

    public async ValueTask DisposeAsync()
    {
        await FaultHost.RunAsync(FaultHost.Ip, "link", "del", _hostLink); // takes the device end with it
        await FaultHost.RunAsync(FaultHost.Ip, "netns", "del", Name);
    }
}
