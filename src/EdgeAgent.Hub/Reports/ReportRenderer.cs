using System.Net;
using System.Text;
using System.Text.Json;
using EdgeAgent.Hub.Charts;

namespace EdgeAgent.Hub.Reports;

/// <summary>
/// CSV and HTML of a <see cref="ReportView"/>. CSV: one block per table, each opened by a header row whose first cell is
/// <c>table</c>, every data row starting with the table's name, blocks separated by an empty line, after a <c>report</c>
/// block with the header. HTML: one self-contained printable page, charts drawn by the embedded Chart.js.
/// </summary>
internal static class ReportRenderer
{
    public static string Csv(ReportView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var h = view.Header;
        var sb = new StringBuilder();
        void Line(IEnumerable<string> cells) => sb.Append(string.Join(',', cells.Select(Quote))).Append("\r\n");
        Line(["table", "kind", "title", "year", "product", "site", "profile_id", "profile_version", "generated_at", "label"]);
        Line(["report", h.Kind, h.Title, ReportView.Cell(h.Year), h.Product ?? "", h.Site ?? "", h.ProfileId, h.ProfileVersion, h.GeneratedAt, h.Label]);
        foreach (var table in view.Tables)
        {
            sb.Append("\r\n");
            Line(["table", .. table.Columns]);
            foreach (var row in table.Rows)
            {
                Line([table.Name, .. row]);
            }
        }

        return sb.ToString();
    }

    public static string Html(ReportView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var h = view.Header;
        static string E(string? s) => WebUtility.HtmlEncode(s ?? "");
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>").Append(E(h.Title)).Append("</title>\n<style>\n")
            .Append("body{font-family:'Noto Sans CJK SC','Noto Sans',sans-serif;margin:24px;color:#111;font-size:13px}h1{font-size:20px}h2{font-size:15px;margin-top:28px}")
            .Append("table{border-collapse:collapse;margin:8px 0;font-size:11px}th,td{border:1px solid #bbb;padding:3px 6px;text-align:left;vertical-align:top}th{background:#eee}")
            .Append(".meta td:first-child{font-weight:bold}.label{display:inline-block;border:2px solid #a00;color:#a00;padding:2px 8px;font-weight:bold}")
            .Append(".chart{width:720px;height:320px;margin:12px 0}.hash{font-family:monospace;font-size:10px;word-break:break-all}")
            .Append("@page{size:A4 landscape;margin:12mm}@media print{body{margin:0}.chart{break-inside:avoid}h2{break-after:avoid}table{break-inside:auto}tr{break-inside:avoid}}\n")
            .Append("</style>\n<script>").Append(ChartJs.Script).Append("</script>\n</head><body>\n");
        sb.Append("<h1>").Append(E(h.Title)).Append("</h1>\n<p class=\"label\">").Append(E(h.Label)).Append("</p>\n<table class=\"meta\">");
        foreach (var (k, v) in new[]
        {
            ("report", h.Kind), ("year", ReportView.Cell(h.Year)), ("product", h.Product ?? "all"), ("site", h.Site ?? "all"),
            ("policy profile", $"{h.ProfileId} version {h.ProfileVersion}"), ("generated", h.GeneratedAt),
        })
        {
            sb.Append("<tr><td>").Append(E(k)).Append("</td><td>").Append(E(v)).Append("</td></tr>");
        }

        sb.Append("</table>\n");
        foreach (var chart in view.Charts)
        {
            sb.Append("<h2>").Append(E(chart.Title)).Append("</h2>\n<div class=\"chart\"><canvas id=\"").Append(E(chart.Id)).Append("\"></canvas></div>\n");
        }

        foreach (var table in view.Tables)
        {
            sb.Append("<h2>").Append(E(table.Title)).Append("</h2>\n<table id=\"").Append(E(table.Name)).Append("\"><thead><tr>");
            foreach (var c in table.Columns)
            {
                sb.Append("<th>").Append(E(c)).Append("</th>");
            }

            sb.Append("</tr></thead><tbody>\n");
            foreach (var row in table.Rows)
            {
                sb.Append("<tr>");
                foreach (var (cell, i) in row.Select((c, i) => (c, i)))
                {
                    var hash = table.Columns[i].Contains("hash", StringComparison.Ordinal) || table.Columns[i] is "sha256" or "checkpoint_signature";
                    sb.Append(hash ? "<td class=\"hash\">" : "<td>").Append(E(cell)).Append("</td>");
                }

                sb.Append("</tr>\n");
            }

            sb.Append("</tbody></table>\n");
        }

        sb.Append("<script>\n");
        foreach (var chart in view.Charts)
        {
            sb.Append("new Chart(document.getElementById(").Append(JsonString(chart.Id)).Append("), ").Append(ChartConfig(chart)).Append(");\n");
        }

        sb.Append("</script>\n</body></html>\n");
        return sb.ToString();
    }

    private static string ChartConfig(ViewChart chart)
    {
        using var buffer = new MemoryStream();
        using (var j = new Utf8JsonWriter(buffer))
        {
            j.WriteStartObject();
            j.WriteString("type", chart.Type);
            j.WriteStartObject("data");
            j.WriteStartArray("labels");
            foreach (var l in chart.Labels)
            {
                j.WriteStringValue(l);
            }

            j.WriteEndArray();
            j.WriteStartArray("datasets");
            foreach (var (label, values) in chart.Series)
            {
                j.WriteStartObject();
                j.WriteString("label", label);
                j.WriteStartArray("data");
                foreach (var v in values)
                {
                    j.WriteNumberValue(v);
                }

                j.WriteEndArray();
                j.WriteEndObject();
            }

            j.WriteEndArray();
            j.WriteEndObject();
            j.WriteStartObject("options");
            j.WriteBoolean("animation", false);
            j.WriteBoolean("responsive", true);
            j.WriteBoolean("maintainAspectRatio", false);
            j.WriteEndObject();
            j.WriteEndObject();
        }

        // Inline in a <script>: never let a label close the element.
        return Encoding.UTF8.GetString(buffer.ToArray()).Replace("</", "<\\/", StringComparison.Ordinal);
    }

    private static string JsonString(string s) => JsonSerializer.Serialize(s, ReportJsonContext.Default.String);

    private static string Quote(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
