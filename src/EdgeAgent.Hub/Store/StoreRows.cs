using System.Data.Common;

namespace EdgeAgent.Hub.Store;

/// <summary>
/// The rows both stores read, mapped once: <see cref="HubStore"/> (SQLite) and <see cref="PostgresStore"/> select the
/// same columns in the same order, so one mapping per row serves both providers' readers.
/// </summary>
internal static class StoreRows
{
    /// <summary>device_id, seq, hash, prev, boot, mono_ms, wall_ms, time_src, type, payload, received_at_ms.</summary>
    public static RecordRow Record(DbDataReader r) =>
        new(r.GetString(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetInt64(4), r.GetInt64(5), r.IsDBNull(6) ? null : r.GetInt64(6),
            r.GetString(7), r.GetString(8), r.IsDBNull(9) ? null : (byte[])r[9], r.GetInt64(10));

    /// <summary>boot, offset_ms, err_ms.</summary>
    public static BootAnchorRow Anchor(DbDataReader r) => new(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2));

    /// <summary>The seven rejection columns, in the order both stores select them.</summary>
    public static RejectionRow Rejection(DbDataReader r) =>
        new(r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetInt64(6));

    /// <summary>boot, min(mono_ms), max(mono_ms) per row.</summary>
    public static IReadOnlyDictionary<long, (long MinMono, long MaxMono)> BootSpans(DbDataReader r)
    {
        var spans = new Dictionary<long, (long, long)>();
        while (r.Read())
        {
            spans[r.GetInt64(0)] = (r.GetInt64(1), r.GetInt64(2));
        }

        return spans;
    }

    /// <summary>reason, n per row.</summary>
    public static IReadOnlyDictionary<string, long> Counters(DbDataReader r)
    {
        var counters = new Dictionary<string, long>(StringComparer.Ordinal);
        while (r.Read())
        {
            counters[r.GetString(0)] = r.GetInt64(1);
        }

        return counters;
    }
}
