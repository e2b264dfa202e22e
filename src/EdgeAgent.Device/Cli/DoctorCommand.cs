using System.CommandLine;
using EdgeAgent.Core.Outbox;
using EdgeAgent.Device.Doctor;
using EdgeAgent.Device.Runtime;
using EdgeAgent.Mqtt;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Device.Cli;

/// <summary><c>edgeagent doctor</c>: checks this board against its profile and the agent's configuration, one row per check.</summary>
internal static class DoctorCommand
{
    public static Command Build()
    {
        var options = new AgentConfigOptions();
        var format = new Option<string>("--format") { Description = "table (default) or json.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var timeout = BoundedOption.Int("--hub-timeout", "Seconds to wait for the hub's broker to accept a TCP connection (default 3).", 3, 1, 60);
        var command = new Command(
            "doctor",
            "Check the board against its profile (each bus device present and identified, camera and microphone open) and the " +
            "agent's set-up (disk budget, clock source, device key, hub reachable, model hashes); prints a table with a remedy per " +
            "failed row. Reads the same configuration as run. Exit codes: 0 every check passed or warned, 1 a check failed, " +
            "2 bad configuration.");
        options.AddTo(command);
        command.Options.Add(format);
        command.Options.Add(timeout);
        command.SetAction(async (parse, ct) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var (built, exit) = await AgentHost.BuildAsync(options.ConfigFiles(parse), options.Settings(parse), error, null).ConfigureAwait(false);
            if (built is not { } composed)
            {
                return exit;
            }

            using var host = composed.Host;
            var services = host.Services;
            var rows = await CheckAsync(services, TimeSpan.FromSeconds(parse.GetValue(timeout)), ct).ConfigureAwait(false);
            if (parse.GetValue(format) == "json")
            {
                DoctorOutput.WriteJson(rows, parse.InvocationConfiguration.Output);
            }
            else
            {
                DoctorOutput.WriteTable(rows, parse.InvocationConfiguration.Output);
            }

            return rows.Any(r => r.Status == CheckStatus.Fail) ? ExitCodes.Failure : ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<IReadOnlyList<DoctorRow>> CheckAsync(IServiceProvider services, TimeSpan hubTimeout, CancellationToken cancellationToken)
    {
        var agent = services.GetRequiredService<IOptions<AgentOptions>>().Value;
        var time = services.GetRequiredService<TimeProvider>();
        var rows = new List<DoctorRow>();
        rows.Add(SystemChecks.DeviceKey(agent, time));
        rows.Add(SystemChecks.DiskBudget(agent, services.GetRequiredService<IOptions<OutboxOptions>>().Value));
        var hardware = services.GetRequiredService<Hardware.HardwareSetup>();
        rows.AddRange(await HardwareChecks.RowsAsync(hardware, time, cancellationToken).ConfigureAwait(false));
        rows.Add(SystemChecks.ClockSource(agent, hasGnss: hardware.Product?.Sensors.Any(s => s.Kind == "gnss") ?? false));
        rows.Add(await SystemChecks.HubReachableAsync(services.GetRequiredService<IOptions<MqttOptions>>().Value.Broker, hubTimeout, cancellationToken).ConfigureAwait(false));
        rows.AddRange(await SystemChecks.ModelHashesAsync(services.GetRequiredService<IOptions<ModelsOptions>>().Value, cancellationToken).ConfigureAwait(false));
        return rows;
    }
}
