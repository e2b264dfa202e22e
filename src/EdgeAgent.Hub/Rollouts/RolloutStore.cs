using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Contracts.Releases;
using EdgeAgent.Hub.Releases;
using EdgeAgent.Hub.Store;
using EdgeAgent.Hub.Web.Access;
using Microsoft.Data.Sqlite;

namespace EdgeAgent.Hub.Rollouts;

/// <summary>Why a rollout operation was refused.</summary>
internal enum RolloutProblem
{
    BadInput,
    NotFound,
    Conflict,
}

/// <summary>A rollout operation that cannot be done; the message says why and names the option or campaign.</summary>
internal sealed class RolloutException : Exception
{
    public RolloutException(RolloutProblem problem, string message)
        : base(message)
    {
        Problem = problem;
    }

    public RolloutException()
    {
    }

    public RolloutException(string message)
        : base(message)
    {
    }

    public RolloutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public RolloutProblem Problem { get; }
}

/// <summary>
/// The campaigns' tables: creation with its fixed target set, the device outcomes read from ingested <c>model.update</c>
/// records, the engine's decisions applied (persisted before any directive is published), the directives still to
/// publish, and the operator's pause, resume and abort. One instance per <see cref="HubStore"/> (not thread-safe).
/// </summary>
internal sealed class RolloutStore
{
    private const string CampaignColumns = "campaign_id, name, version, sha256, size, product_id, board, site, waves, min_success, halt_failures, " +
        "probation_calls, probation_seconds, max_error_rate, latency_tolerance, max_drift, state, wave, reason, created_at_ms, updated_at_ms";

    private const string DeviceColumns = "cd.device_id, c.product_id, cd.position, cd.board, cd.agent_version, cd.site, cd.wave, cd.directive, cd.directive_sent, " +
        "cd.state, cd.reason, cd.detail, cd.rolled_back, cd.directed_at_ms, cd.updated_at_ms";

    private static readonly string[] DeviceParameters = ["$c", "$d", "$i", "$b", "$a", "$s"];

    private readonly HubStore _store;
    private readonly TimeProvider _time;

    public RolloutStore(HubStore store, TimeProvider time)
    {
        _store = store;
        _time = time;
    }

    /// <summary>
    /// Creates a campaign, running, with its target set fixed now: the enrolled, unrevoked devices of the product, on the
    /// board and at the site asked for (board and agent version as the device's latest <c>power.state</c> record reports
    /// them, site as its latest <c>deployment.commissioned</c> record; unknown never matches a filter), that the release
    /// may run on. Devices are ordered by SHA-256 of campaign id and device id, which spreads every wave over the fleet.
    /// </summary>
    /// <exception cref="RolloutException">The request is refused; the message says why.</exception>
    public (CampaignRow Campaign, IReadOnlyList<ExcludedDevice> Excluded) Create(CampaignRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Probation.Problems() is { Count: > 0 } probation)
        {
            throw new RolloutException(RolloutProblem.BadInput, string.Join("; ", probation.Select(p => "--" + p)));
        }

        if (request.MinSuccess is < 0 or > 100 || request.HaltFailures is < 0 or > 100)
        {
            throw new RolloutException(RolloutProblem.BadInput, "--min-success and --halt-failures are percentages from 0 to 100");
        }

        var registry = new ReleaseRegistry(_store, new ArtifactStore(_store.Path), _time);
        var release = registry.Find(request.Name, request.Version)
            ?? throw new RolloutException(RolloutProblem.BadInput, $"no release {request.Name} {request.Version} is published; publish it first: edgehub models publish");
        if (registry.FindKey(release.KeyId) is { RevokedAtMs: not null } key)
        {
            throw new RolloutException(RolloutProblem.BadInput, $"release {request.Name} {request.Version} is signed by release key {release.KeyId}, revoked at the hub ({key.RevokedReason}); publish it again with a current key as a new version");
        }

        var manifest = release.Manifest;
        var id = "ro-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var included = new List<(string Device, string? Board, string? Agent, string? Site)>();
        var excluded = new List<ExcludedDevice>();
        foreach (var (device, board, agent, site, revoked) in Candidates(request.Target.Product))
        {
            var why = revoked ? "revoked"
                : request.Target.Board is { } b && board != b ? $"board {board ?? "unknown"} is not {b}"
                : request.Target.Site is { } s && site != s ? $"site {site ?? "unknown"} is not {s}"
                : Incompatible(manifest, board, agent);
            if (why is null)
            {
                included.Add((device, board, agent, site));
            }
            else
            {
                excluded.Add(new ExcludedDevice(device, why));
            }
        }

        if (included.Count == 0)
        {
            throw new RolloutException(RolloutProblem.BadInput, $"--target {request.Target}: no device to update ({excluded.Count} enrolled device(s) of product {request.Target.Product} left out{(excluded.Count > 0 ? ": " + string.Join("; ", excluded.Take(5).Select(e => $"{e.DeviceId}: {e.Reason}")) : "")})");
        }

        if (Busy(included.Select(d => d.Device)) is { Count: > 0 } busy)
        {
            throw new RolloutException(RolloutProblem.Conflict, $"{busy.Count} target device(s) are in a running or paused campaign ({string.Join(", ", busy.Select(b => b.Campaign).Distinct().Order(StringComparer.Ordinal))}), and a device has one model directive at a time; finish, pause-and-abort or wait for it first");
        }

        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var ordered = included.OrderBy(d => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id + "/" + d.Device))), StringComparer.Ordinal).ToList();
        var p = request.Probation;
        var reason = $"created for {request.Target}: {ordered.Count} device(s), {excluded.Count} left out";
        _store.BeginWrite();
        try
        {
            using (var cmd = _store.Command($"INSERT INTO campaigns ({CampaignColumns}) VALUES ($id, $n, $v, $sha, $size, $p, $b, $s, $w, $min, $halt, $pc, $ps, $pe, $pl, $pd, $state, 0, $r, $t, $t)"))
            {
                cmd.Parameters.AddWithValue("$id", id);
                cmd.Parameters.AddWithValue("$n", request.Name);
                cmd.Parameters.AddWithValue("$v", request.Version);
                cmd.Parameters.AddWithValue("$sha", release.Sha256);
                cmd.Parameters.AddWithValue("$size", release.Size);
                cmd.Parameters.AddWithValue("$p", request.Target.Product);
                cmd.Parameters.AddWithValue("$b", (object?)request.Target.Board ?? DBNull.Value);
                cmd.Parameters.AddWithValue("$s", (object?)request.Target.Site ?? DBNull.Value);
                cmd.Parameters.AddWithValue("$w", RolloutPlan.FormatWaves(request.Waves));
                cmd.Parameters.AddWithValue("$min", request.MinSuccess.ToString(CultureInfo.InvariantCulture));
                cmd.Parameters.AddWithValue("$halt", request.HaltFailures.ToString(CultureInfo.InvariantCulture));
                cmd.Parameters.AddWithValue("$pc", p.Calls);
                cmd.Parameters.AddWithValue("$ps", p.MaxSeconds);
                cmd.Parameters.AddWithValue("$pe", p.MaxErrorRate);
                cmd.Parameters.AddWithValue("$pl", p.LatencyTolerance);
                cmd.Parameters.AddWithValue("$pd", p.MaxDrift);
                cmd.Parameters.AddWithValue("$state", CampaignStates.Running);
                cmd.Parameters.AddWithValue("$r", reason);
                cmd.Parameters.AddWithValue("$t", now);
                cmd.ExecuteNonQuery();
            }

            using (var cmd = _store.Command("INSERT INTO campaign_devices (campaign_id, device_id, position, board, agent_version, site, last_seq) VALUES ($c, $d, $i, $b, $a, $s, COALESCE((SELECT MAX(seq) FROM records WHERE device_id = $d), 0))"))
            {
                var ps = DeviceParameters.Select(n => cmd.Parameters.Add(new SqliteParameter { ParameterName = n })).ToArray();
                ps[0].Value = id;
                for (var i = 0; i < ordered.Count; i++)
                {
                    ps[1].Value = ordered[i].Device;
                    ps[2].Value = i;
                    ps[3].Value = (object?)ordered[i].Board ?? DBNull.Value;
                    ps[4].Value = (object?)ordered[i].Agent ?? DBNull.Value;
                    ps[5].Value = (object?)ordered[i].Site ?? DBNull.Value;
                    cmd.ExecuteNonQuery();
                }
            }

            AddEvent(id, now, CampaignStates.Running, 0, reason);
            _store.CommitWrite();
        }
        catch
        {
            _store.RollbackWrite();
            throw;
        }

        return (Find(id)!, excluded);
    }

    public CampaignRow? Find(string id)
    {
        using var cmd = _store.Command($"SELECT {CampaignColumns} FROM campaigns WHERE campaign_id = $c");
        cmd.Parameters.AddWithValue("$c", id);
        return ReadCampaigns(cmd) is [var c] ? c : null;
    }

    /// <summary>Every campaign, newest first.</summary>
    public IReadOnlyList<CampaignRow> List()
    {
        using var cmd = _store.Command($"SELECT {CampaignColumns} FROM campaigns ORDER BY created_at_ms DESC, campaign_id");
        return ReadCampaigns(cmd);
    }

    /// <summary>The campaign's target set in target order, optionally only the devices <paramref name="scope"/> may see.</summary>
    public IReadOnlyList<CampaignDeviceRow> Devices(string id, DeviceScope? scope = null)
    {
        var visible = scope is null ? "" : " AND " + scope.Condition("cd.device_id");
        using var cmd = _store.Command($"SELECT {DeviceColumns} FROM campaign_devices cd JOIN campaigns c ON c.campaign_id = cd.campaign_id WHERE cd.campaign_id = $c{visible} ORDER BY cd.position");
        cmd.Parameters.AddWithValue("$c", id);
        scope?.Bind(cmd);
        using var r = cmd.ExecuteReader();
        var list = new List<CampaignDeviceRow>();
        while (r.Read())
        {
            list.Add(new CampaignDeviceRow(r.GetString(0), r.GetString(1), r.GetInt32(2), Text(r, 3), Text(r, 4), Text(r, 5), r.IsDBNull(6) ? null : r.GetInt32(6), Text(r, 7),
                r.GetInt64(8) != 0, Text(r, 9), Text(r, 10), Text(r, 11), r.GetInt64(12) != 0, r.IsDBNull(13) ? null : r.GetInt64(13), r.IsDBNull(14) ? null : r.GetInt64(14)));
        }

        return list;
    }

    public IReadOnlyList<CampaignEvent> Events(string id)
    {
        using var cmd = _store.Command("SELECT at_ms, state, wave, reason FROM campaign_events WHERE campaign_id = $c ORDER BY id");
        cmd.Parameters.AddWithValue("$c", id);
        using var r = cmd.ExecuteReader();
        var list = new List<CampaignEvent>();
        while (r.Read())
        {
            list.Add(new CampaignEvent(r.GetInt64(0), r.GetString(1), r.GetInt32(2), r.GetString(3)));
        }

        return list;
    }

    public CampaignSnapshot Snapshot(CampaignRow campaign)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        return new CampaignSnapshot(campaign.State, campaign.Wave, campaign.Waves, campaign.MinSuccess, campaign.HaltFailures, [.. Devices(campaign.Id).Select(d => d.Outcome)]);
    }

    /// <summary>
    /// Reads the <c>model.update</c> records ingested since the last read for the campaign's devices, and keeps each
    /// device's latest state, reason and detail of this campaign (records of other campaigns are passed over). Returns
    /// the devices whose state changed, with their new state.
    /// </summary>
    public IReadOnlyList<(string Device, string State, string? Reason)> ReadOutcomes(string id)
    {
        var latest = new Dictionary<string, (long Seq, string? State, string? Reason, string? Detail, bool RolledBack)>(StringComparer.Ordinal);
        var cursors = new Dictionary<string, long>(StringComparer.Ordinal);
        using (var cmd = _store.Command($"""
            SELECT r.device_id, r.seq, CASE WHEN r.type = '{RecordTypes.ModelUpdate}' THEN r.payload END
            FROM campaign_devices cd JOIN records r ON r.device_id = cd.device_id AND r.seq > cd.last_seq
            WHERE cd.campaign_id = $c ORDER BY r.device_id, r.seq
            """))
        {
            cmd.Parameters.AddWithValue("$c", id);
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                var device = r.GetString(0);
                cursors[device] = r.GetInt64(1);
                if (r.IsDBNull(2) || !RecordCodec.TryDecode((byte[])r[2], out var record, out _) || record!.Data.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                var data = record.Data;
                if (Str(data, "campaign") != id || Str(data, "state") is not { } state || !UpdateStates.All.Contains(state, StringComparer.Ordinal))
                {
                    continue;
                }

                var rolledBack = data.TryGetProperty("rolled_back", out var rb) && rb.ValueKind == JsonValueKind.True;
                latest[device] = (r.GetInt64(1), state, Str(data, "reason"), Str(data, "detail"), rolledBack);
            }
        }

        if (cursors.Count == 0)
        {
            return [];
        }

        var before = Devices(id).ToDictionary(d => d.DeviceId, d => d.State, StringComparer.Ordinal);
        var changed = new List<(string, string, string?)>();
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        _store.BeginWrite();
        try
        {
            foreach (var (device, seq) in cursors)
            {
                if (latest.TryGetValue(device, out var o))
                {
                    using var cmd = _store.Command("UPDATE campaign_devices SET last_seq = $s, state = $st, reason = $r, detail = $d, rolled_back = $rb, updated_at_ms = $t WHERE campaign_id = $c AND device_id = $dev");
                    cmd.Parameters.AddWithValue("$st", o.State);
                    cmd.Parameters.AddWithValue("$r", (object?)o.Reason ?? DBNull.Value);
                    cmd.Parameters.AddWithValue("$d", (object?)o.Detail ?? DBNull.Value);
                    cmd.Parameters.AddWithValue("$rb", o.RolledBack ? 1 : 0);
                    cmd.Parameters.AddWithValue("$t", now);
                    Cursor(cmd, id, device, seq);
                    if (before.GetValueOrDefault(device) != o.State)
                    {
                        changed.Add((device, o.State!, o.Reason));
                    }
                }
                else
                {
                    using var cmd = _store.Command("UPDATE campaign_devices SET last_seq = $s WHERE campaign_id = $c AND device_id = $dev");
                    Cursor(cmd, id, device, seq);
                }
            }

            _store.CommitWrite();
        }
        catch
        {
            _store.RollbackWrite();
            throw;
        }

        return changed;
    }

    /// <summary>
    /// Persists a decision made on <paramref name="from"/>: the state change or new wave (each an event), and the
    /// directives wanted (install for newly directed devices, rollback), marked unpublished. False, with nothing changed,
    /// when the campaign moved meanwhile (an operator's pause or abort): the next step decides again.
    /// </summary>
    public bool Apply(CampaignRow from, RolloutActions actions)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(actions);
        if (actions.IsNone)
        {
            return true;
        }

        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        _store.BeginWrite();
        try
        {
            var state = actions.NewState ?? from.State;
            var wave = actions.NewWave ?? from.Wave;
            using (var cmd = _store.Command("UPDATE campaigns SET state = $ns, wave = $nw, reason = COALESCE($r, reason), updated_at_ms = $t WHERE campaign_id = $c AND state = $s AND wave = $w"))
            {
                cmd.Parameters.AddWithValue("$ns", state);
                cmd.Parameters.AddWithValue("$nw", wave);
                cmd.Parameters.AddWithValue("$r", (object?)actions.Reason ?? DBNull.Value);
                cmd.Parameters.AddWithValue("$t", now);
                cmd.Parameters.AddWithValue("$c", from.Id);
                cmd.Parameters.AddWithValue("$s", from.State);
                cmd.Parameters.AddWithValue("$w", from.Wave);
                if (cmd.ExecuteNonQuery() != 1)
                {
                    _store.RollbackWrite();
                    return false;
                }
            }

            if (actions.Reason is not null && (actions.NewState is not null || actions.NewWave is not null))
            {
                AddEvent(from.Id, now, state, wave, actions.Reason);
            }

            foreach (var device in actions.Install)
            {
                using var cmd = _store.Command("UPDATE campaign_devices SET wave = $w, directive = $dir, directive_sent = 0, directed_at_ms = $t WHERE campaign_id = $c AND device_id = $d AND wave IS NULL");
                cmd.Parameters.AddWithValue("$w", wave);
                cmd.Parameters.AddWithValue("$dir", ModelDirective.Install);
                cmd.Parameters.AddWithValue("$t", now);
                cmd.Parameters.AddWithValue("$c", from.Id);
                cmd.Parameters.AddWithValue("$d", device);
                cmd.ExecuteNonQuery();
            }

            foreach (var device in actions.Rollback)
            {
                using var cmd = _store.Command("UPDATE campaign_devices SET directive = $dir, directive_sent = 0 WHERE campaign_id = $c AND device_id = $d AND wave IS NOT NULL");
                cmd.Parameters.AddWithValue("$dir", ModelDirective.Rollback);
                cmd.Parameters.AddWithValue("$c", from.Id);
                cmd.Parameters.AddWithValue("$d", device);
                cmd.ExecuteNonQuery();
            }

            _store.CommitWrite();
            return true;
        }
        catch
        {
            _store.RollbackWrite();
            throw;
        }
    }

    /// <summary>The directives decided but not yet published: (device, product, action), in target order.</summary>
    public IReadOnlyList<(string Device, string Product, string Action)> Unsent(string id) =>
        [.. Devices(id).Where(d => d.Directive is not null && !d.DirectiveSent).Select(d => (d.DeviceId, d.ProductId, d.Directive!))];

    /// <summary>Marks a directive published (unless another replaced it meanwhile).</summary>
    public void MarkSent(string id, string device, string action)
    {
        using var cmd = _store.Command("UPDATE campaign_devices SET directive_sent = 1 WHERE campaign_id = $c AND device_id = $d AND directive = $a");
        cmd.Parameters.AddWithValue("$c", id);
        cmd.Parameters.AddWithValue("$d", device);
        cmd.Parameters.AddWithValue("$a", action);
        cmd.ExecuteNonQuery();
    }

    /// <summary>
    /// Marks every directive of the campaigns not completed as unpublished, so the engine publishes them again: the
    /// embedded broker keeps retained messages in memory only, and a device acts on a directive once, so again is harmless.
    /// </summary>
    public int MarkAllUnsent()
    {
        using var cmd = _store.Command($"UPDATE campaign_devices SET directive_sent = 0 WHERE directive IS NOT NULL AND directive_sent = 1 AND campaign_id IN (SELECT campaign_id FROM campaigns WHERE state <> '{CampaignStates.Completed}')");
        return cmd.ExecuteNonQuery();
    }

    /// <summary>The campaigns the engine still works on: not completed (halted and aborted ones until every rollback is out).</summary>
    public IReadOnlyList<CampaignRow> Active()
    {
        using var cmd = _store.Command($"""
            SELECT {CampaignColumns} FROM campaigns c WHERE c.state IN ('{CampaignStates.Running}', '{CampaignStates.Paused}')
                OR (c.state IN ('{CampaignStates.Halted}', '{CampaignStates.Aborted}') AND EXISTS (SELECT 1 FROM campaign_devices cd WHERE cd.campaign_id = c.campaign_id AND cd.wave IS NOT NULL
                    AND (cd.directive_sent = 0 OR (cd.directive <> '{ModelDirective.Rollback}' AND COALESCE(cd.state, '') <> '{UpdateStates.Failed}'))))
            ORDER BY c.created_at_ms, c.campaign_id
            """);
        return ReadCampaigns(cmd);
    }

    /// <summary>The operator's <c>pause</c>, <c>resume</c> or <c>abort</c>; returns the campaign as it is now.</summary>
    /// <exception cref="RolloutException">No such campaign, or the action does not apply to its state.</exception>
    public CampaignRow Change(string id, string action, string by)
    {
        var (to, from) = action switch
        {
            "pause" => (CampaignStates.Paused, new[] { CampaignStates.Running }),
            "resume" => (CampaignStates.Running, new[] { CampaignStates.Paused }),
            "abort" => (CampaignStates.Aborted, new[] { CampaignStates.Running, CampaignStates.Paused }),
            _ => throw new RolloutException(RolloutProblem.BadInput, $"'{action}' is not one of pause, resume, abort"),
        };
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var reason = $"{action} by {by}";
        bool applied;
        _store.BeginWrite();
        try
        {
            using var cmd = _store.Command($"UPDATE campaigns SET state = $to, reason = $r, updated_at_ms = $t WHERE campaign_id = $c AND state IN ({string.Join(", ", from.Select(s => $"'{s}'"))})");
            cmd.Parameters.AddWithValue("$to", to);
            cmd.Parameters.AddWithValue("$r", reason);
            cmd.Parameters.AddWithValue("$t", now);
            cmd.Parameters.AddWithValue("$c", id);
            applied = cmd.ExecuteNonQuery() == 1;
            if (applied)
            {
                var wave = Convert.ToInt32(ScalarOf("SELECT wave FROM campaigns WHERE campaign_id = $c", id), CultureInfo.InvariantCulture);
                AddEvent(id, now, to, wave, reason);
            }

            _store.CommitWrite();
        }
        catch
        {
            _store.RollbackWrite();
            throw;
        }

        var campaign = Find(id) ?? throw new RolloutException(RolloutProblem.NotFound, $"no campaign {id}");
        if (!applied)
        {
            throw new RolloutException(RolloutProblem.Conflict, $"campaign {id} is {campaign.State}; {action} applies to a {string.Join(" or ", from)} campaign");
        }

        return campaign;
    }

    private IEnumerable<(string Device, string? Board, string? Agent, string? Site, bool Revoked)> Candidates(string product)
    {
        static string Latest(string field) =>
            $"(SELECT json_extract(CAST(p.payload AS TEXT), '$.data.{field}') FROM records p WHERE p.device_id = d.device_id AND p.type = '{RecordTypes.PowerState}' AND p.payload IS NOT NULL ORDER BY p.seq DESC LIMIT 1)";
        using var cmd = _store.Command($"""
            SELECT d.device_id, {Latest("board")}, {Latest("agent_version")}, {DeviceScope.SiteOf("d.device_id")},
                EXISTS (SELECT 1 FROM revocations v WHERE v.device_id = d.device_id)
            FROM devices d WHERE d.product_id = $p ORDER BY d.device_id
            """);
        cmd.Parameters.AddWithValue("$p", product);
        using var r = cmd.ExecuteReader();
        var list = new List<(string, string?, string?, string?, bool)>();
        while (r.Read())
        {
            list.Add((r.GetString(0), Any(r, 1), Any(r, 2), Any(r, 3), r.GetInt64(4) != 0));
        }

        return list;
    }

    /// <summary>Why the release may not run on a device of this board and agent version (unknown counts as not matching a restriction), or null.</summary>
    private static string? Incompatible(ReleaseManifest manifest, string? board, string? agent)
    {
        if (manifest.Boards.Count > 0 && (board is null || !manifest.Boards.Contains(board, StringComparer.Ordinal)))
        {
            return $"release runs on boards {string.Join(", ", manifest.Boards)}, the device's board is {board ?? "unknown"}";
        }

        var restricted = manifest.AgentMin != "0.0.0" || manifest.AgentBelow is not null;
        if (agent is null)
        {
            return restricted ? $"agent version unknown; release needs {manifest.AgentMin} or later{(manifest.AgentBelow is null ? "" : ", below " + manifest.AgentBelow)}" : null;
        }

        if (!ReleaseVersion.TryParse(agent, out var v))
        {
            return restricted ? $"agent version '{agent}' is not MAJOR.MINOR.PATCH" : null;
        }

        return v < ReleaseVersion.Parse(manifest.AgentMin) ? $"agent {agent} is older than {manifest.AgentMin}"
            : manifest.AgentBelow is { } below && v >= ReleaseVersion.Parse(below) ? $"agent {agent} is not below {below}"
            : null;
    }

    private List<(string Device, string Campaign)> Busy(IEnumerable<string> devices)
    {
        var wanted = devices.ToHashSet(StringComparer.Ordinal);
        using var cmd = _store.Command($"SELECT cd.device_id, cd.campaign_id FROM campaign_devices cd JOIN campaigns c ON c.campaign_id = cd.campaign_id WHERE c.state IN ('{CampaignStates.Running}', '{CampaignStates.Paused}')");
        using var r = cmd.ExecuteReader();
        var busy = new List<(string, string)>();
        while (r.Read())
        {
            if (wanted.Contains(r.GetString(0)))
            {
                busy.Add((r.GetString(0), r.GetString(1)));
            }
        }

        return busy;
    }

    private void AddEvent(string id, long now, string state, int wave, string reason)
    {
        using var cmd = _store.Command("INSERT INTO campaign_events (campaign_id, at_ms, state, wave, reason) VALUES ($c, $t, $s, $w, $r)");
        cmd.Parameters.AddWithValue("$c", id);
        cmd.Parameters.AddWithValue("$t", now);
        cmd.Parameters.AddWithValue("$s", state);
        cmd.Parameters.AddWithValue("$w", wave);
        cmd.Parameters.AddWithValue("$r", reason);
        cmd.ExecuteNonQuery();
    }

    private object? ScalarOf(string sql, string id)
    {
        using var cmd = _store.Command(sql);
        cmd.Parameters.AddWithValue("$c", id);
        return cmd.ExecuteScalar();
    }

    private static void Cursor(SqliteCommand cmd, string id, string device, long seq)
    {
        cmd.Parameters.AddWithValue("$s", seq);
        cmd.Parameters.AddWithValue("$c", id);
        cmd.Parameters.AddWithValue("$dev", device);
        cmd.ExecuteNonQuery();
    }

    private static List<CampaignRow> ReadCampaigns(SqliteCommand cmd)
    {
        using var r = cmd.ExecuteReader();
        var list = new List<CampaignRow>();
        while (r.Read())
        {
            var waves = RolloutPlan.ParseWaves(r.GetString(8), out _) ?? [];
            var probation = new ProbationPolicy { Calls = r.GetInt32(11), MaxSeconds = r.GetDouble(12), MaxErrorRate = r.GetDouble(13), LatencyTolerance = r.GetDouble(14), MaxDrift = r.GetDouble(15) };
            list.Add(new CampaignRow(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4), new RolloutTarget(r.GetString(5), Text(r, 6), Text(r, 7)), waves,
                decimal.Parse(r.GetString(9), CultureInfo.InvariantCulture), decimal.Parse(r.GetString(10), CultureInfo.InvariantCulture), probation,
                r.GetString(16), r.GetInt32(17), r.GetString(18), r.GetInt64(19), r.GetInt64(20)));
        }

        return list;
    }

    private static string? Text(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static string? Any(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : Convert.ToString(r.GetValue(i), CultureInfo.InvariantCulture);

    private static string? Str(JsonElement data, string name) => data.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
