using System.Globalization;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Device.Runtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

// run [--config FILE] [--set Key=Value ...]: `edgeagent run` with one more component, the generator below, configured
// by the Load section: Load:UntilSeq (stop once the chain head reaches it), Load:TelemetryEvery (every n-th record is
// env.sample telemetry, the rest maintenance.performed evidence; 0 = none), Load:Writers (concurrent appenders).
// It prints "made <seq>" after each append returned (the record is durable), which the tests check against the hub.
if (args is not ["run", .. var rest])
{
    Console.Error.WriteLine("usage: run [--config FILE] [--set Key=Value ...]");
    return 2;
}

string? config = null;
var settings = new List<string>();
for (var i = 0; i < rest.Length; i++)
{
    switch (rest[i])
    {
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

using var stop = new CancellationTokenSource();
return await AgentHost.RunAsync(config, settings, Console.Error, services =>
{
    services.AddOptions<LoadOptions>().BindConfiguration("Load");
    services.AddHostedService<LoadGenerator>();
}, stop.Token);

internal sealed class LoadOptions
{
    public long UntilSeq { get; set; }

    public int TelemetryEvery { get; set; }

    public int Writers { get; set; } = 4;
}

internal sealed class LoadGenerator(AgentRuntime runtime, IOptions<LoadOptions> options) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
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
                var appended = await runtime.Ledger.AppendAsync(telemetry ? RecordTypes.EnvSample : RecordTypes.MaintenancePerformed, data, stoppingToken);
                await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"made {appended.Seq} {appended.Outcome}"));
            }
        }, stoppingToken)));
    }
}
