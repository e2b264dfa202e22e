using System.Text;

namespace EdgeAgent.Hub.Registry;

/// <summary>
/// Registry rows as import CSV (IMPORTS.md): a header of the kind's columns, then one RFC 4180 line per row, so the bytes
/// are ones <c>edgehub import</c> accepts, and reading them back goes through the importer's own line checks. An auditor
/// bundle carries the registry this way, and a report's input digests are over these lines.
/// </summary>
internal static class RegistryCsv
{
    public static string Header(ImportKind kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        return string.Join(",", kind.Columns.Select(c => c.Name));
    }

    /// <summary>One row as a CSV line (no line ending): empty for null, quoted when it holds a comma, quote or line break.</summary>
    public static string Line(ImportKind kind, IReadOnlyDictionary<string, string?> row)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(row);
        return string.Join(",", kind.Columns.Select(c => Quote(row.TryGetValue(c.Name, out var v) ? v : null)));
    }

    /// <summary>The whole file: header and rows, each ended by '\n', UTF-8 without BOM.</summary>
    public static byte[] Write(ImportKind kind, IEnumerable<IReadOnlyDictionary<string, string?>> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var text = new StringBuilder().Append(Header(kind)).Append('\n');
        foreach (var row in rows)
        {
            text.Append(Line(kind, row)).Append('\n');
        }

        return new UTF8Encoding(false).GetBytes(text.ToString());
    }

    /// <summary>Reads a file in that format with the importer's checks; each bad line is added to <paramref name="errors"/> and left out.</summary>
    public static List<IReadOnlyDictionary<string, string?>> Read(ImportKind kind, TextReader csv, List<LineError> errors)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(csv);
        ArgumentNullException.ThrowIfNull(errors);
        return [.. Importer.Parse(kind, csv, errors).Select(r => r.Cells)];
    }

    private static string Quote(string? value) =>
        value is null ? "" : value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
