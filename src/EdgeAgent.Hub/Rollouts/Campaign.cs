using System.Globalization;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Contracts.Releases;

namespace EdgeAgent.Hub.Rollouts;

/// <summary>Which devices a campaign is for: enrolled devices of <see cref="Product"/>, optionally only those on <see cref="Board"/> or at <see cref="Site"/>.</summary>
internal sealed record RolloutTarget(string Product, string? Board, string? Site)
{
    /// <summary>Reads <c>--target product=P[,board=B][,site=S]</c>.</summary>
    public static RolloutTarget? Parse(string text, out string? problem)
    {
        string? product = null, board = null, site = null;
        foreach (var part in (text ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var (key, value) = eq < 0 ? (part, "") : (part[..eq], part[(eq + 1)..]);
            if (!RecordCodec.IsValidId(value))
            {
                problem = $"--target '{text}': '{part}' needs a value of 1-64 of A-Z a-z 0-9 . _ -";
                return null;
            }

            switch (key)
            {
                case "product" when product is null: product = value; break;
                case "board" when board is null: board = value; break;
                case "site" when site is null: site = value; break;
                default:
                    problem = $"--target '{text}': '{key}' is not a target key or is repeated; expected product=P[,board=B][,site=S]";
                    return null;
            }
        }

        if (product is null)
        {
            problem = $"--target '{text}': product=P is required (expected product=P[,board=B][,site=S])";
            return null;
        }

        problem = null;
        return new RolloutTarget(product, board, site);
    }

    public override string ToString() => $"product={Product}{(Board is null ? "" : ",board=" + Board)}{(Site is null ? "" : ",site=" + Site)}";
}

/// <summary>What <c>edgehub rollout create</c> was asked.</summary>
internal sealed record CampaignRequest(string Name, string Version, RolloutTarget Target, IReadOnlyList<decimal> Waves, decimal MinSuccess, decimal HaltFailures, ProbationPolicy Probation);

/// <summary>A stored campaign.</summary>
internal sealed record CampaignRow(
    string Id, string Name, string Version, string Sha256, long Size, RolloutTarget Target, IReadOnlyList<decimal> Waves, decimal MinSuccess, decimal HaltFailures,
    ProbationPolicy Probation, string State, int Wave, string Reason, long CreatedAtMs, long UpdatedAtMs);

/// <summary>A device of a campaign's target set as stored.</summary>
internal sealed record CampaignDeviceRow(
    string DeviceId, string ProductId, int Position, string? Board, string? AgentVersion, string? Site, int? Wave, string? Directive, bool DirectiveSent,
    string? State, string? Reason, string? Detail, bool RolledBack, long? DirectedAtMs, long? UpdatedAtMs)
{
    /// <summary>What the device is at: <c>pending</c> (not directed), <c>directed</c> (nothing reported yet) or the update state it last reported.</summary>
    public string Status => Wave is null ? "pending" : State ?? "directed";

    public DeviceOutcome Outcome => new(DeviceId, Position, Wave, Directive, State);
}

/// <summary>A campaign state change, as stored.</summary>
internal sealed record CampaignEvent(long AtMs, string State, int Wave, string Reason);

/// <summary>A device left out of a campaign's target set at creation, and why.</summary>
internal sealed record ExcludedDevice(string DeviceId, string Reason);

internal static class CampaignFormat
{
    public static string Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
