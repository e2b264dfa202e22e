using System.Globalization;
using System.Text.Json;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Hub.Ingestion;
using EdgeAgent.Hub.Store;
using EdgeAgent.Hub.Web.Access;
using Microsoft.Data.Sqlite;

namespace EdgeAgent.Hub.Web.Api;

/// <summary>
/// The REST API's reads over the hub database, each limited to a <see cref="DeviceScope"/>. Pure SQL plus
/// <see cref="TimeAnchors"/>; no HTTP.
/// </summary>
internal sealed class FleetQueries
{
    /// <summary>
    /// A device is online when the hub received a record or a rejected input from it within this window: longer than the
    /// agent's default <c>usage.summary</c> interval (15 min), so a connected idle device stays online.
    /// </summary>
    public static readonly TimeSpan OnlineWindow = TimeSpan.FromMinutes(20);

    private readonly HubStore _store;
    private readonly DeviceScope _scope;
    private readonly long _nowMs;

    public FleetQueries(HubStore store, DeviceScope scope, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(time);
        _store = store;
        _scope = scope;
        _nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
    }

    public IReadOnlyList<DeviceSummary> Devices(string? deviceId = null, string? product = null, string? site = null)
    {
        var siteSql = DeviceScope.SiteOf("d.device_id");
        var sql = $"""
            SELECT d.device_id, d.product_id, p.enterprise_id, {siteSql} AS site, d.enrolled_at_ms,
                (SELECT COUNT(*) FROM records r WHERE r.device_id = d.device_id),
                COALESCE((SELECT h.seq FROM heads h WHERE h.device_id = d.device_id), 0),
                MAX(COALESCE((SELECT MAX(r.received_at_ms) FROM records r WHERE r.device_id = d.device_id), 0),
                    COALESCE((SELECT MAX(j.received_at_ms) FROM rejections j WHERE j.device_id = d.device_id), 0))
            FROM devices d LEFT JOIN products p ON p.product_id = d.product_id
            WHERE {_scope.Condition("d.device_id")}
            """;
        if (deviceId is not null)
        {
            sql += " AND d.device_id = $d";
        }

        if (product is not null)
        {
            sql += " AND d.product_id = $p";
        }

        if (site is not null)
        {
            sql += " AND site = $s";
        }

        using var cmd = Scoped(sql + " ORDER BY d.device_id");
        Optional(cmd, "$d", deviceId);
        Optional(cmd, "$p", product);
        Optional(cmd, "$s", site);
        using var r = cmd.ExecuteReader();
        var list = new List<DeviceSummary>();
        while (r.Read())
        {
            var lastSeen = r.GetInt64(7);
            list.Add(new DeviceSummary(
                r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.IsDBNull(3) ? null : Convert.ToString(r.GetValue(3), CultureInfo.InvariantCulture), r.GetInt64(4),
                r.GetInt64(5), r.GetInt64(6), lastSeen == 0 ? null : lastSeen, lastSeen != 0 && _nowMs - lastSeen <= (long)OnlineWindow.TotalMilliseconds));
        }

        return list;
    }

    public FleetOverview Overview()
    {
        var devices = Devices();
        var times = new DeviceTimes.Cache(_store);
        var perDay = new SortedDictionary<string, long>(StringComparer.Ordinal);
        long unknown = 0;
        using (var cmd = Scoped($"SELECT r.device_id, r.boot, r.mono_ms, r.wall_ms, r.time_src, r.received_at_ms FROM records r WHERE r.type = '{RecordTypes.DeviceActivated}' AND r.payload IS NOT NULL AND {_scope.Condition("r.device_id")}"))
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read())
            {
                var t = times.Place(r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.IsDBNull(3) ? null : r.GetInt64(3), r.GetString(4), r.GetInt64(5));
                if (t.EstMs is { } est)
                {
                    var day = DateTimeOffset.FromUnixTimeMilliseconds(est).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                    perDay[day] = perDay.GetValueOrDefault(day) + 1;
                }
                else
                {
                    unknown++;
                }
            }
        }

        var operateSeconds = Convert.ToDouble(ScopedScalar($"SELECT COALESCE(SUM(json_extract(CAST(r.payload AS TEXT), '$.data.operate_s')), 0) FROM records r WHERE r.type = '{RecordTypes.UsageSummary}' AND r.payload IS NOT NULL AND {_scope.Condition("r.device_id")}"), CultureInfo.InvariantCulture);
        var raised = Count($"r.type = '{RecordTypes.FaultRaised}'");
        var relevant = Count($"r.type = '{RecordTypes.FaultRaised}' AND json_extract(CAST(r.payload AS TEXT), '$.data.relevant') = 1");
        var cleared = Count($"r.type = '{RecordTypes.FaultCleared}'");
        var perReason = RejectionsPerReason(null);
        return new FleetOverview(
            devices.Count,
            devices.Count(d => d.Online),
            (int)OnlineWindow.TotalMinutes,
            devices.Sum(d => d.Records),
            [.. perDay.Select(kv => new DayCount(kv.Key, kv.Value))],
            unknown,
            Math.Round(operateSeconds / 3600.0, 3),
            new FaultCounts(raised, relevant, cleared),
            new IntegrityFailures(perReason.Values.Sum(), perReason),
            _nowMs);
    }

    public DeviceDetail? Device(string deviceId)
    {
        if (Devices(deviceId) is not [var summary, ..] || _store.FindDevice(deviceId) is not { } row)
        {
            return null;
        }

        var anchors = DeviceTimes.For(_store, deviceId);
        var sources = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var placement = new SortedDictionary<string, long>(StringComparer.Ordinal)
        {
            [TimeStatus.Synced] = 0, [TimeStatus.Anchored] = 0, [TimeStatus.Bounded] = 0, [TimeStatus.Unknown] = 0,
        };
        using (var cmd = Command("SELECT boot, mono_ms, wall_ms, time_src, received_at_ms FROM records WHERE device_id = $d AND payload IS NOT NULL", deviceId))
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read())
            {
                var src = r.GetString(3);
                sources[src] = sources.GetValueOrDefault(src) + 1;
                var t = anchors.Place(r.GetInt64(0), r.GetInt64(1), r.IsDBNull(2) ? null : r.GetInt64(2), src, r.GetInt64(4));
                placement[t.Status] = placement.GetValueOrDefault(t.Status) + 1;
            }
        }

        ClockSyncView? sync = null;
        using (var cmd = Command(
            $"SELECT seq, boot, json_extract(CAST(payload AS TEXT), '$.data.hub_ms'), json_extract(CAST(payload AS TEXT), '$.data.offset_ms'), json_extract(CAST(payload AS TEXT), '$.data.err_ms'), received_at_ms FROM records WHERE device_id = $d AND type = '{RecordTypes.ClockSync}' AND payload IS NOT NULL ORDER BY seq DESC LIMIT 1",
            deviceId))
        using (var r = cmd.ExecuteReader())
        {
            if (r.Read())
            {
                sync = new ClockSyncView(r.GetInt64(0), r.GetInt64(1), OptionalLong(r, 2), OptionalLong(r, 3), OptionalLong(r, 4), r.GetInt64(5));
            }
        }

        var versions = new List<ModelVersion>();
        using (var cmd = Command(
            "SELECT json_extract(CAST(payload AS TEXT), '$.model') AS m, MIN(seq), MAX(seq), COUNT(*) FROM records WHERE device_id = $d AND payload IS NOT NULL GROUP BY m ORDER BY MIN(seq)", deviceId))
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read())
            {
                versions.Add(new ModelVersion(r.IsDBNull(0) ? "" : r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), null, null));
            }
        }

        versions = [.. versions.Select(v => v with { FirstTime = PlaceSeq(deviceId, v.FirstSeq, anchors), LastTime = PlaceSeq(deviceId, v.LastSeq, anchors) })];
        var changes = Timeline(deviceId, 1, 500, RecordTypes.ModelChanged).Entries
            .Select(e => new ModelChange(e.Seq, e.Time!, e.Data ?? default)).ToList();
        using var rejections = Command("SELECT COUNT(*) FROM rejections WHERE device_id = $d", deviceId);
        return new DeviceDetail(summary, row.KeyId, new TimeQuality(sources, placement), sync, versions, changes, Convert.ToInt64(rejections.ExecuteScalar(), CultureInfo.InvariantCulture));
    }

    /// <summary>A page of the device's chain from seq <paramref name="from"/>, optionally of one record type.</summary>
    public TimelinePage Timeline(string deviceId, long from, int limit, string? type = null)
    {
        var anchors = DeviceTimes.For(_store, deviceId);
        var filter = type is null ? "" : " AND type = $t";
        using var cmd = Command($"SELECT seq, type, boot, mono_ms, wall_ms, time_src, hash, received_at_ms, payload FROM records WHERE device_id = $d AND seq >= $f{filter} ORDER BY seq LIMIT $n", deviceId);
        cmd.Parameters.AddWithValue("$f", from);
        cmd.Parameters.AddWithValue("$n", limit + 1);
        Optional(cmd, "$t", type);
        using var r = cmd.ExecuteReader();
        var entries = new List<TimelineEntry>();
        long? next = null;
        while (r.Read())
        {
            if (entries.Count == limit)
            {
                next = r.GetInt64(0);
                break;
            }

            if (r.IsDBNull(8))
            {
                entries.Add(new TimelineEntry(r.GetInt64(0), "dropped", r.GetInt64(2), r.GetInt64(3), null, r.GetString(6), r.GetInt64(7), null));
                continue;
            }

            var t = anchors.Place(r.GetInt64(2), r.GetInt64(3), r.IsDBNull(4) ? null : r.GetInt64(4), r.GetString(5), r.GetInt64(7));
            JsonElement? data = RecordCodec.TryDecode((byte[])r[8], out var record, out _) ? record!.Data.Clone() : null;
            entries.Add(new TimelineEntry(r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3), Placed(t), r.GetString(6), r.GetInt64(7), data));
        }

        return new TimelinePage(deviceId, from, limit, entries, next);
    }

    public RejectionsView Rejections(string? deviceId, int latest)
    {
        var perReason = RejectionsPerReason(deviceId);
        var filter = deviceId is null ? "" : " AND j.device_id = $d";
        using var cmd = Scoped($"SELECT j.id, j.device_id, j.seq, j.reason, j.detail, j.topic, j.received_at_ms FROM rejections j WHERE {_scope.Condition("j.device_id")}{filter} ORDER BY j.id DESC LIMIT $n");
        Optional(cmd, "$d", deviceId);
        cmd.Parameters.AddWithValue("$n", latest);
        using var r = cmd.ExecuteReader();
        var rows = new List<RejectionView>();
        while (r.Read())
        {
            rows.Add(new RejectionView(r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetInt64(6)));
        }

        return new RejectionsView(perReason, rows);
    }

    public static PlacedTime Placed(AnchoredTime t)
    {
        ArgumentNullException.ThrowIfNull(t);
        return new PlacedTime(t.Status, t.EstMs, t.LoMs, t.HiMs);
    }

    private SortedDictionary<string, long> RejectionsPerReason(string? deviceId)
    {
        var filter = deviceId is null ? "" : " AND j.device_id = $d";
        using var cmd = Scoped($"SELECT j.reason, COUNT(*) FROM rejections j WHERE {_scope.Condition("j.device_id")}{filter} GROUP BY j.reason");
        Optional(cmd, "$d", deviceId);
        using var r = cmd.ExecuteReader();
        var perReason = new SortedDictionary<string, long>(StringComparer.Ordinal);
        while (r.Read())
        {
            perReason[r.GetString(0)] = r.GetInt64(1);
        }

        return perReason;
    }

    private PlacedTime? PlaceSeq(string deviceId, long seq, TimeAnchors anchors)
    {
        using var cmd = Command("SELECT boot, mono_ms, wall_ms, time_src, received_at_ms FROM records WHERE device_id = $d AND seq = $s", deviceId);
        cmd.Parameters.AddWithValue("$s", seq);
        using var r = cmd.ExecuteReader();
        return r.Read() ? Placed(anchors.Place(r.GetInt64(0), r.GetInt64(1), r.IsDBNull(2) ? null : r.GetInt64(2), r.GetString(3), r.GetInt64(4))) : null;
    }

    private long Count(string condition) =>
        Convert.ToInt64(ScopedScalar($"SELECT COUNT(*) FROM records r WHERE {condition} AND r.payload IS NOT NULL AND {_scope.Condition("r.device_id")}"), CultureInfo.InvariantCulture);

    private object? ScopedScalar(string sql)
    {
        using var cmd = Scoped(sql);
        return cmd.ExecuteScalar();
    }

    private SqliteCommand Scoped(string sql)
    {
        var cmd = _store.Command(sql);
        _scope.Bind(cmd);
        return cmd;
    }

    /// <summary>A query about one device the access filter has already found visible.</summary>
    private SqliteCommand Command(string sql, string deviceId)
    {
        var cmd = _store.Command(sql);
        cmd.Parameters.AddWithValue("$d", deviceId);
        return cmd;
    }

    private static void Optional(SqliteCommand cmd, string name, string? value)
    {
        if (value is not null)
        {
            cmd.Parameters.AddWithValue(name, value);
        }
    }

    private static long? OptionalLong(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : Convert.ToInt64(r.GetValue(i), CultureInfo.InvariantCulture);
}
