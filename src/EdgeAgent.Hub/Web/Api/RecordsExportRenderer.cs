using System.Globalization;
using System.Text;
using System.Text.Json;
using EdgeAgent.Hub.Store;
using EdgeAgent.Hub.Web.Access;

namespace EdgeAgent.Hub.Web.Api;

/// <summary>
/// Report kinds <c>records</c> and <c>rejections</c>: the verified records (each with its exact bytes as a string, so
/// its hash, the SHA-256 of their UTF-8, can be recomputed, and its place in time) and the flagged inputs of the caller's devices, as CSV or JSON. With a year, only
/// records whose whole time interval lies in that calendar year (UTC) are listed (records of unknown time are left out),
/// and rejections received in it.
/// </summary>
internal sealed class RecordsExportRenderer : IReportRenderer
{
    private static readonly string[] Formats = ["csv", "json"];

    private static readonly ReportParameter[] Parameters = [new("year", Required: false), new("product", Required: false), new("site", Required: false)];

    private static readonly string[] RecordColumns =
        ["device_id", "product_id", "seq", "type", "boot", "mono_ms", "wall_ms", "time_src", "time_status", "time_est_ms", "time_lo_ms", "time_hi_ms", "hash", "prev", "received_at_ms", "record"];

    private static readonly string[] RejectionColumns = ["id", "device_id", "seq", "reason", "detail", "topic", "received_at_ms"];

    private readonly HubOptions _options;
    private readonly TimeProvider _time;

    public RecordsExportRenderer(HubOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
    }

    public IReadOnlyList<ReportKind> Kinds { get; } =
    [
        new("records", "Every verified record of the account's devices: its exact bytes (SHA-256 = hash), chain link and place in time.", Formats, Parameters),
        new("rejections", "Every flagged input of the account's devices, with its reason; kept, never counted.", Formats, Parameters),
    ];

    public Task<ReportFile> RenderAsync(ReportRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var store = HubStore.Open(_options.DatabasePath);
        var (header, rows) = request.Kind == "rejections" ? Rejections(store, request) : Records(store, request);
        var stamp = request.Year is { } y ? y.ToString(CultureInfo.InvariantCulture) : "all";
        var name = $"edgehub-{request.Kind}-{stamp}.{request.Format}";
        var bytes = request.Format == "csv" ? Csv(header, rows) : Json(request, header, rows);
        return Task.FromResult(new ReportFile(request.Format == "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8", name, bytes));
    }

    private static (string[] Header, List<object?[]> Rows) Records(HubStore store, ReportRequest request)
    {
        var (where, cmdSetup) = Filters(request, "r.device_id");
        using var cmd = store.Command(
            $"SELECT r.device_id, d.product_id, r.seq, r.type, r.boot, r.mono_ms, r.wall_ms, r.time_src, r.hash, r.prev, r.received_at_ms, r.payload FROM records r JOIN devices d ON d.device_id = r.device_id WHERE {where} ORDER BY r.device_id, r.seq");
        cmdSetup(cmd);
        var times = new DeviceTimes.Cache(store);
        var (lo, hi) = YearBounds(request.Year);
        var rows = new List<object?[]>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            var payload = r.IsDBNull(11) ? null : (byte[])r[11];
            var wall = r.IsDBNull(6) ? (long?)null : r.GetInt64(6);
            var t = payload is null ? null : times.Place(r.GetString(0), r.GetInt64(4), r.GetInt64(5), wall, r.GetString(7), r.GetInt64(10));
            if (request.Year is not null && (t?.LoMs is not { } tlo || t.HiMs is not { } thi || tlo < lo || thi >= hi))
            {
                continue;
            }

            rows.Add([r.GetString(0), r.GetString(1), r.GetInt64(2), payload is null ? "dropped" : r.GetString(3), r.GetInt64(4), r.GetInt64(5), wall, r.GetString(7),
                t?.Status, t?.EstMs, t?.LoMs, t?.HiMs, r.GetString(8), r.GetString(9), r.GetInt64(10), payload is null ? null : Encoding.UTF8.GetString(payload)]);
        }

        return (RecordColumns, rows);
    }

    private static (string[] Header, List<object?[]> Rows) Rejections(HubStore store, ReportRequest request)
    {
        var (where, cmdSetup) = Filters(request, "j.device_id");
        var (lo, hi) = YearBounds(request.Year);
        if (request.Year is not null)
        {
            where += " AND j.received_at_ms >= $ylo AND j.received_at_ms < $yhi";
        }

        using var cmd = store.Command($"SELECT j.id, j.device_id, j.seq, j.reason, j.detail, j.topic, j.received_at_ms FROM rejections j LEFT JOIN devices d ON d.device_id = j.device_id WHERE {where} ORDER BY j.id");
        cmdSetup(cmd);
        if (request.Year is not null)
        {
            cmd.Parameters.AddWithValue("$ylo", lo);
            cmd.Parameters.AddWithValue("$yhi", hi);
        }

        var rows = new List<object?[]>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            rows.Add([r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetInt64(6)]);
        }

        return (RejectionColumns, rows);
    }

    /// <summary>The caller's scope, and the product and site asked for, over the device column (devices joined as <c>d</c>).</summary>
    private static (string Where, Action<Microsoft.Data.Sqlite.SqliteCommand> Setup) Filters(ReportRequest request, string deviceColumn)
    {
        var where = request.Scope.Condition(deviceColumn);
        if (request.Product is not null)
        {
            where += " AND d.product_id = $product";
        }

        if (request.Site is not null)
        {
            where += $" AND {DeviceScope.SiteOf(deviceColumn)} = $site";
        }

        return (where, cmd =>
        {
            request.Scope.Bind(cmd);
            if (request.Product is not null)
            {
                cmd.Parameters.AddWithValue("$product", request.Product);
            }

            if (request.Site is not null)
            {
                cmd.Parameters.AddWithValue("$site", request.Site);
            }
        });
    }

    private static (long Lo, long Hi) YearBounds(int? year) => year is { } y
        ? (new DateTimeOffset(y, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), new DateTimeOffset(y + 1, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds())
        : (long.MinValue, long.MaxValue);

    private static byte[] Csv(string[] header, List<object?[]> rows)
    {
        var text = new StringBuilder();
        text.AppendJoin(',', header).Append("\r\n");
        foreach (var row in rows)
        {
            text.AppendJoin(',', row.Select(CsvField)).Append("\r\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static string CsvField(object? value)
    {
        var s = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
        return s.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
    }

    private byte[] Json(ReportRequest request, string[] header, List<object?[]> rows)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
        {
            json.WriteStartObject();
            json.WriteString("kind", request.Kind);
            json.WriteNumber("generated_at_ms", _time.GetUtcNow().ToUnixTimeMilliseconds());
            json.WriteString("account", request.Scope.Caller.UserName);
            json.WriteStartObject("filters");
            if (request.Year is { } y)
            {
                json.WriteNumber("year", y);
            }

            if (request.Product is not null)
            {
                json.WriteString("product", request.Product);
            }

            if (request.Site is not null)
            {
                json.WriteString("site", request.Site);
            }

            json.WriteEndObject();
            json.WriteStartArray(request.Kind);
            foreach (var row in rows)
            {
                json.WriteStartObject();
                for (var i = 0; i < header.Length; i++)
                {
                    switch (row[i])
                    {
                        case null:
                            json.WriteNull(header[i]);
                            break;
                        case long n:
                            json.WriteNumber(header[i], n);
                            break;
                        default:
                            json.WriteString(header[i], Convert.ToString(row[i], CultureInfo.InvariantCulture));
                            break;
                    }
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
