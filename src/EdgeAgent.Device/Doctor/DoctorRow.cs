using System.Globalization;
using System.Text.Json;

namespace EdgeAgent.Device.Doctor;

/// <summary>How a check came out: <c>fail</c> makes <c>edgeagent doctor</c> exit non-zero; <c>warn</c> does not.</summary>
internal enum CheckStatus
{
    Pass,
    Warn,
    Fail,
}

/// <summary>One row of the doctor's table: what was checked, how it came out, what was found and, unless it passed, what to do.</summary>
internal sealed record DoctorRow(string Check, CheckStatus Status, string Detail, string? Remedy = null)
{
    public static DoctorRow Pass(string check, string detail) => new(check, CheckStatus.Pass, detail);

    public static DoctorRow Warn(string check, string detail, string remedy) => new(check, CheckStatus.Warn, detail, remedy);

    public static DoctorRow Fail(string check, string detail, string remedy) => new(check, CheckStatus.Fail, detail, remedy);
}

/// <summary>The doctor's output: an aligned table with a remedy under each row that did not pass, or JSON.</summary>
internal static class DoctorOutput
{
    public static void WriteTable(IReadOnlyList<DoctorRow> rows, TextWriter output)
    {
        var width = rows.Count == 0 ? 5 : Math.Max(5, rows.Max(r => r.Check.Length));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"check".PadRight(width)}  result  detail"));
        foreach (var row in rows)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{row.Check.PadRight(width)}  {Label(row.Status),-6}  {row.Detail}"));
            if (row.Remedy is { } remedy && row.Status != CheckStatus.Pass)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{new string(' ', width)}  {"",-6}  remedy: {remedy}"));
            }
        }

        var failed = rows.Count(r => r.Status == CheckStatus.Fail);
        var warned = rows.Count(r => r.Status == CheckStatus.Warn);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{rows.Count} check(s): {rows.Count - failed - warned} passed, {warned} warning(s), {failed} failed"));
    }

    /// <summary><c>{"ok":false,"checks":[{"check":..,"status":"fail","detail":..,"remedy":..}]}</c>.</summary>
    public static void WriteJson(IReadOnlyList<DoctorRow> rows, TextWriter output)
    {
        using var buffer = new MemoryStream();
        using (var j = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            j.WriteStartObject();
            j.WriteBoolean("ok", rows.All(r => r.Status != CheckStatus.Fail));
            j.WriteStartArray("checks");
            foreach (var row in rows)
            {
                j.WriteStartObject();
                j.WriteString("check", row.Check);
                j.WriteString("status", row.Status.ToString().ToLowerInvariant());
                j.WriteString("detail", row.Detail);
                if (row.Remedy is { } remedy && row.Status != CheckStatus.Pass)
                {
                    j.WriteString("remedy", remedy);
                }

                j.WriteEndObject();
            }

            j.WriteEndArray();
            j.WriteEndObject();
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static string Label(CheckStatus status) => status switch
    {
        CheckStatus.Pass => "ok",
        CheckStatus.Warn => "warn",
        _ => "FAIL",
    };
}
