using System.CommandLine;
using System.Globalization;
using EdgeAgent.Device.Runtime;

namespace EdgeAgent.Device.Cli;

/// <summary><c>edgeagent status</c>: what the running agent last wrote to its status file.</summary>
internal static class StatusCommand
{
    public static Command Build()
    {
        var state = ProvisionCommand.StateDirectoryOption();
        var format = new Option<string>("--format") { Description = "text or json (the status file as written).", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var command = new Command(
            "status",
            "Show the running agent's connection, queue depth per class, last sequence sent and acknowledged, and last error. " +
            "Exit codes: 0 the agent is running, 1 it is not (the last status it wrote is shown, if any).");
        command.Options.Add(state);
        command.Options.Add(format);
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var directory = parse.GetValue(state)!.FullName;
            var path = new AgentOptions { StateDirectory = directory }.StatusPath;
            var status = File.Exists(path) ? AgentStatus.Read(path) : null;
            if (status is null)
            {
                error.WriteLine($"no agent status in {directory} ({Path.GetFileName(path)} is missing or unreadable): the agent has not run here. Start it with: edgeagent run --state-dir {directory}");
                return ExitCodes.Failure;
            }

            var running = IsRunning(status.Pid);
            if (parse.GetValue(format) == "json")
            {
                output.WriteLine(System.Text.Encoding.UTF8.GetString(status.ToJson()));
                return running ? ExitCodes.Ok : ExitCodes.Failure;
            }

            var at = DateTimeOffset.FromUnixTimeMilliseconds(status.UpdatedMs).ToString("u", CultureInfo.InvariantCulture);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
                agent:      {(running ? $"running (pid {status.Pid})" : $"NOT running (pid {status.Pid} is gone)")}, device {status.DeviceId}, boot {status.Boot}, status of {at}
                broker:     {status.Broker} — {(status.Connected ? "connected" : "disconnected")}, {status.Reconnects} reconnect(s)
                chain:      head seq {status.HeadSeq}, sent up to {status.SentSeq}, acknowledged by the hub up to {status.AckedSeq}{(status.LastAckMs is { } ack ? $" (last ack {DateTimeOffset.FromUnixTimeMilliseconds(ack).ToString("u", CultureInfo.InvariantCulture)})" : "")}
                queue:      evidence {status.EvidenceRecords} record(s) / {status.EvidenceBytes} B, telemetry {status.TelemetryRecords} record(s) / {status.TelemetryBytes} B
                time:       {status.TimeSource}
                update:     {status.UpdateState}{(status.Update is { } u ? $" ({u})" : "")}{(status.UpdateDownload is { } dl ? $", downloaded {dl}" : "")}{(status.UpdateReason is { } why ? $", {why}" : "")}
                hardware:   {(status.Mode is { } mode ? $"mode {mode}, faults {status.Faults ?? "none"}, LED {status.Led ?? "none"}" : "no product profile")}
                last error: {status.LastError ?? "none"}
                """));
            return running ? ExitCodes.Ok : ExitCodes.Failure;
        });
        return command;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
