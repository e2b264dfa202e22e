using System.Globalization;
using System.Text.RegularExpressions;
using CsvHelper;
using EdgeAgent.Contracts.Records;
using Microsoft.Data.Sqlite;

namespace EdgeAgent.Hub.Registry;

/// <summary>What an import did: every problem found (nothing was written when there is one), else the rows added, updated and unchanged.</summary>
internal sealed record ImportResult(IReadOnlyList<LineError> Errors, int Added, int Updated, int Unchanged, long TableRows);

/// <summary>
/// <c>edgehub import KIND FILE.csv</c>: reads a CSV file with a header row (CsvHelper), validates every line — required
/// columns, types, enumerations, dates, amounts, references to other registry rows, duplicate keys within the file and
/// changes to rows that cannot change — and writes all of it in one transaction only when no line is bad.
/// </summary>
internal static partial class Importer
{
    public static ImportResult Run(SqliteConnection connection, ImportKind kind, TextReader csv)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(kind);
        var errors = new List<LineError>();
        var rows = Parse(kind, csv, errors);
        var database = ImportKinds.All.ToDictionary(k => k.Table, k => RegistryDatabase.ReadTable(connection, k.Table), StringComparer.Ordinal);
        var held = database[kind.Table].ToDictionary(kind.KeyOf, StringComparer.Ordinal);

        // Duplicate keys within the file: the later line is the bad one.
        var firstLine = new Dictionary<string, long>(StringComparer.Ordinal);
        var unique = new List<ImportRow>();
        foreach (var row in rows)
        {
            var key = kind.KeyOf(row.Cells);
            if (firstLine.TryGetValue(key, out var first))
            {
                errors.Add(new LineError(row.Line, kind.Key[^1], $"duplicate {string.Join("+", kind.Key)} '{key}' (first on line {first})", "each key once per file"));
                continue;
            }

            firstLine[key] = row.Line;
            unique.Add(row);
        }

        var context = new ImportContext(database, kind, unique);
        foreach (var row in unique)
        {
            foreach (var column in kind.Columns.Where(c => c.References is not null))
            {
                if (row[column.Name] is { } value && !context.Resolves(column.References!, value))
                {
                    var what = column.References!.RequiredKind is { } k ? $"{k} {value}" : $"{column.References.Column} '{value}'";
                    errors.Add(new LineError(row.Line, column.Name, $"no {what} in {column.References.Table} (import it first, or in this file)", $"an existing {column.References.Column}"));
                }
            }

            if (held.TryGetValue(kind.KeyOf(row.Cells), out var existing))
            {
                foreach (var column in kind.Columns.Where(c => c.Immutable && existing[c.Name] != row[c.Name]))
                {
                    errors.Add(new LineError(row.Line, column.Name, $"{string.Join("+", kind.Key)} '{kind.KeyOf(row.Cells)}' is already imported with {column.Name} '{existing[column.Name]}'; it cannot change (correct it with a new row, e.g. a credit note)", existing[column.Name] ?? "empty"));
                }
            }

            errors.AddRange(kind.Rules(row, context));
        }

        if (errors.Count > 0)
        {
            return new ImportResult([.. errors.OrderBy(e => e.Line)], 0, 0, 0, held.Count);
        }

        return Write(connection, kind, unique, held);
    }

    private static ImportResult Write(SqliteConnection connection, ImportKind kind, List<ImportRow> rows, Dictionary<string, Dictionary<string, string?>> held)
    {
        var (added, updated, unchanged) = (0, 0, 0);
        var names = kind.Columns.Select(c => c.Name).ToList();
        using var tx = connection.BeginTransaction();
        using var upsert = connection.CreateCommand();
        upsert.Transaction = tx;
        upsert.CommandText = $"INSERT INTO {kind.Table} ({string.Join(", ", names)}) VALUES ({string.Join(", ", names.Select((_, i) => $"$p{i}"))}) " +
            $"ON CONFLICT({string.Join(", ", kind.Key)}) DO UPDATE SET {string.Join(", ", names.Select((n, i) => $"{n} = $p{i}"))}";
        for (var i = 0; i < names.Count; i++)
        {
            upsert.Parameters.Add(new SqliteParameter { ParameterName = $"$p{i}" });
        }

        foreach (var row in rows)
        {
            if (held.TryGetValue(kind.KeyOf(row.Cells), out var existing))
            {
                if (names.All(n => existing[n] == row[n]))
                {
                    unchanged++;
                    continue;
                }

                updated++;
            }
            else
            {
                added++;
            }

            for (var i = 0; i < names.Count; i++)
            {
                var column = kind.Columns[i];
                upsert.Parameters[i].Value = row[column.Name] is { } v
                    ? (column.Type == CellType.Count ? long.Parse(v, CultureInfo.InvariantCulture) : v)
                    : DBNull.Value;
            }

            upsert.ExecuteNonQuery();
        }

        tx.Commit();
        using var count = connection.CreateCommand();
        count.CommandText = $"SELECT COUNT(*) FROM {kind.Table}";
        return new ImportResult([], added, updated, unchanged, Convert.ToInt64(count.ExecuteScalar(), CultureInfo.InvariantCulture));
    }

    internal static List<ImportRow> Parse(ImportKind kind, TextReader text, List<LineError> errors)
    {
        var rows = new List<ImportRow>();
        var options = CsvReaderOptions.Default with
        {
            Separator = ',',
            HasHeader = true,
            TrimWhitespace = true,
            TrackLineNumbers = true,
            AllowLineBreaksInQuotes = true,
            MalformedData = CsvMalformedDataHandling.Skip,
            OnMalformedRecord = m => errors.Add(new LineError(m.LineNumber, "*", $"malformed CSV ({m.Reason})", "RFC 4180: a field with a quote, comma or line break is quoted as a whole, inner quotes doubled")),
        };
        using var csv = CsvReader.Create(text, options, leaveOpen: true);
        var allowed = string.Join(", ", kind.Columns.Select(c => c.Name));
        csv.ReadHeader();
        var header = csv.Headers.ToArray();
        if (header.Length == 0 || (header.Length == 1 && header[0].Length == 0))
        {
            errors.Add(new LineError(1, "*", "the file is empty; the first line must be the header", allowed));
            return rows;
        }

        var headerOk = true;
        foreach (var (name, i) in header.Select((h, i) => (h, i)))
        {
            if (kind.Columns.All(c => c.Name != name))
            {
                errors.Add(new LineError(1, name, $"not a column of {kind.Name}", allowed));
                headerOk = false;
            }
            else if (Array.IndexOf(header, name) != i)
            {
                errors.Add(new LineError(1, name, "the header names this column twice", allowed));
                headerOk = false;
            }
        }

        foreach (var column in kind.Columns.Where(c => c.Required && !header.Contains(c.Name)))
        {
            errors.Add(new LineError(1, column.Name, "required column missing from the header", allowed));
            headerOk = false;
        }

        if (!headerOk)
        {
            return rows;
        }

        while (csv.Read())
        {
            var line = csv.LineNumber;
            if (csv.FieldCount != header.Length)
            {
                errors.Add(new LineError(line, "*", $"the line has {csv.FieldCount} fields, the header {header.Length}", $"{header.Length} fields: {string.Join(", ", header)}"));
                continue;
            }

            var cells = new Dictionary<string, string?>(StringComparer.Ordinal);
            var ok = true;
            foreach (var column in kind.Columns)
            {
                var index = Array.IndexOf(header, column.Name);
                var raw = index < 0 ? "" : csv.GetString(index);
                if (raw.Length == 0)
                {
                    cells[column.Name] = null;
                    if (column.Required)
                    {
                        errors.Add(new LineError(line, column.Name, "required, but empty", column.AllowedText));
                        ok = false;
                    }

                    continue;
                }

                if (Check(column, raw, out var value) is { } reason)
                {
                    errors.Add(new LineError(line, column.Name, reason, column.AllowedText));
                    ok = false;
                }

                cells[column.Name] = value;
            }

            if (ok)
            {
                rows.Add(new ImportRow(line, cells));
            }
        }

        return rows;
    }

    /// <summary>Checks one non-empty cell; returns the reason it is bad, or null with its canonical <paramref name="value"/>.</summary>
    private static string? Check(ImportColumn column, string raw, out string value)
    {
        value = raw;
        switch (column.Type)
        {
            case CellType.Id:
                return RecordCodec.IsValidId(raw) ? null : $"'{raw}' is not an id";
            case CellType.Text:
                return null;
            case CellType.Date:
                return DateOnly.TryParseExact(raw, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _) ? null : $"'{raw}' is not a date";
            case CellType.Amount:
                if (!AmountPattern().IsMatch(raw) || !decimal.TryParse(raw, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
                {
                    return $"'{raw}' is not an amount";
                }

                value = amount.ToString("0.00", CultureInfo.InvariantCulture);
                return null;
            case CellType.Count:
                if (!long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                {
                    return $"'{raw}' is not a whole number";
                }

                value = n.ToString(CultureInfo.InvariantCulture);
                return null;
            case CellType.Choice:
                return column.Allowed.Contains(raw) ? null : $"'{raw}' is not one of the allowed values";
            case CellType.Serials:
                return raw.Split(';').FirstOrDefault(s => !RecordCodec.IsValidId(s)) is { } bad ? $"'{bad}' is not a serial" : null;
            case CellType.Sha256:
                return Sha256Pattern().IsMatch(raw) ? null : $"'{raw}' is not a SHA-256";
            case CellType.Region:
                return RegionPattern().IsMatch(raw) ? null : $"'{raw}' is not a region code";
            case CellType.CreditCode:
                return CreditCodePattern().IsMatch(raw) ? null : $"'{raw}' is not a unified social credit code";
            default:
                return "unknown column type";
        }
    }

    [GeneratedRegex(@"^-?[0-9]{1,15}(\.[0-9]{1,2})?$")]
    private static partial Regex AmountPattern();

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Pattern();

    [GeneratedRegex("^[0-9]{6}$")]
    private static partial Regex RegionPattern();

    [GeneratedRegex("^[0-9A-HJ-NPQRTUWXY]{18}$")]
    private static partial Regex CreditCodePattern();
}
