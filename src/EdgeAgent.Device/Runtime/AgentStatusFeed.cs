using System.Globalization;

namespace EdgeAgent.Device.Runtime;

/// <summary>
/// The status the agent last took (every <see cref="AgentOptions.StatusInterval"/>, written or not), for readers inside
/// the process: the systemd STATUS line.
/// </summary>
internal sealed class AgentStatusFeed
{
    private AgentStatus? _latest;

    public AgentStatus? Latest
    {
        get => Volatile.Read(ref _latest);
        set => Volatile.Write(ref _latest, value);
    }

    /// <summary>One line for <c>systemctl status</c>: the connection, what waits in the outbox, the mode and faults.</summary>
    public static string Line(AgentStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var parts = new List<string>
        {
            status.Connected ? $"connected to {status.Broker}" : $"offline ({status.Broker}{(status.LastError is { } e ? ": " + e : "")})",
            string.Create(CultureInfo.InvariantCulture, $"head seq {status.HeadSeq}, acked {status.AckedSeq}, {status.EvidenceRecords + status.TelemetryRecords} records queued"),
        };
        if (status.Mode is { } mode)
        {
            parts.Add($"mode {mode}");
        }

        if (status.Faults is { } faults)
        {
            parts.Add($"faults: {faults}");
        }

        if (status.UpdateState is { } update && update != "idle")
        {
            parts.Add($"update {update}");
        }

        return string.Join("; ", parts);
    }
}
