using System.Globalization;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Device.Runtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

// run --load FILE [--config FILE] [--set Key=Value ...]: `edgeagent run` with one more component, the generator below,
// configured by the Load section of FILE, which is re-read whenever it changes: Load:UntilSeq (make records until the
// chain head reaches it, then wait for a higher value), Load:TelemetryEvery (every n-th record is env.sample telemetry,
// the rest maintenance.performed evidence; 0 = none), Load:Writers (concurrent appenders). It prints "made <seq>
// <outcome> <type>" after each append returned (the record is durable), which the tests check against the hub, and
// "failed <type>: <reason>" for an append the outbox could not store (it goes on making records).
if (args is not ["run", .. var rest])
{
    Console.Error.WriteLine("usage: run [--config FILE] [--set Key=Value ...]");
    return 2;
}

string? config = null;
string? load = null;
var settings = new List<string>();
for (var i = 0; i < rest.Length; i++)
{
    switch (rest[i])
    {
        case "--load" when i + 1 < rest.Length:
            load = Path.GetFullPath(rest[++i]);
            break;
        case "--config" when i + 1 < rest.Length:
            config = rest[++i];
            break;
        case "--set" when i + 1 < rest.Length:
            settings.Add(rest[++i]);
            break;
        default:
            Console.Error.WriteLine($"unknown argument '{rest[i]}'");
            return 2;
    }
}

if (load is null)
{
    Console.Error.WriteLine("--load FILE is required");
    return 2;
}

return await AgentHost.RunAsync(config is null ? [] : [config], settings, Console.Error, (configuration, services) =>
{
    configuration.AddJsonFile(load, optional: false, reloadOnChange: true);
    services.AddOptions<LoadOptions>().BindConfiguration("Load");
    services.AddHostedService<LoadGenerator>();
}, CancellationToken.None);

internal sealed class LoadOptions
{
    public long UntilSeq { get; set; }

    public int TelemetryEvery { get; set; }

    public int Writers { get; set; } = 4;
}

internal sealed class LoadGenerator(AgentRuntime runtime, IOptionsMonitor<LoadOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var changed = new SemaphoreSlim(0);
        using var subscription = options.OnChange(_ => changed.Release());
        while (!stoppingToken.IsCancellationRequested)
        {
            await MakeAsync(options.CurrentValue, stoppingToken);
            await changed.WaitAsync(stoppingToken);
        }
    }

    private Task MakeAsync(LoadOptions o, CancellationToken stoppingToken)
    {
        var counter = 0L;
        return Task.WhenAll(Enumerable.Range(0, o.Writers).Select(_ => Task.Run(async () =>
        {
            while (!stoppingToken.IsCancellationRequested && runtime.Ledger.Head.Seq < o.UntilSeq)
            {
                var n = Interlocked.Increment(ref counter);
                var telemetry = o.TelemetryEvery > 0 && n % o.TelemetryEvery == 0;
                var data = RecordData.Of(j =>
                {
                    j.WriteNumber("n", n);
                    j.WriteString("note", "load generator: a realistic payload of a few dozen bytes");
                });
                var type = telemetry ? RecordTypes.EnvSample : RecordTypes.MaintenancePerformed;
                try
                {
                    var appended = await runtime.Ledger.AppendAsync(type, data, stoppingToken);
                    await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"made {appended.Seq} {appended.Outcome} {type}"));
                }
                catch (Exception e) when (e is IOException or EdgeAgent.Core.Outbox.NotNextLinkException)
                {
                    // Not stored (a full disk): said, and the generator goes on, as a device's producers would.
                    await Console.Out.WriteLineAsync($"failed {type}: {e.Message}");
                    await Task.Delay(100, stoppingToken);
                }
            }
        }, stoppingToken)));
    }
}
