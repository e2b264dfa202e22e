namespace EdgeAgent.Hub.Registry;

/// <summary>What a CSV cell must hold.</summary>
internal enum CellType
{
    /// <summary>1-64 of A-Z a-z 0-9 . _ - (the device and product id rule).</summary>
    Id,

    /// <summary>Any non-empty text.</summary>
    Text,

    /// <summary>yyyy-MM-dd.</summary>
    Date,

    /// <summary>Decimal CNY with at most two decimals (fen), e.g. 1299.00 or -1299.</summary>
    Amount,

    /// <summary>A whole number, 0 or more.</summary>
    Count,

    /// <summary>One of <see cref="ImportColumn.Allowed"/>.</summary>
    Choice,

    /// <summary>One or more serials separated by ';'.</summary>
    Serials,

    /// <summary>64 lower-case hex digits.</summary>
    Sha256,

    /// <summary>Six digits (an administrative region code).</summary>
    Region,

    /// <summary>The 18-character unified social credit code (digits and A-H J-N P-R T-U W-Y).</summary>
    CreditCode,
}

/// <summary>A reference from a column to <paramref name="Column"/> of a registry table (with <paramref name="RequiredKind"/>, only rows of that <c>kind</c>).</summary>
internal sealed record ImportReference(string Table, string Column, string? RequiredKind = null);

/// <summary>One column of an import kind.</summary>
internal sealed record ImportColumn(string Name, CellType Type, bool Required, string Meaning)
{
    public IReadOnlyList<string> Allowed { get; init; } = [];

    public ImportReference? References { get; init; }

    /// <summary>Once imported, the value cannot be changed by a later import (evidence is corrected by new rows, e.g. credit notes).</summary>
    public bool Immutable { get; init; }

    public string AllowedText => Type switch
    {
        CellType.Id => "1-64 of A-Z a-z 0-9 . _ -",
        CellType.Text => "any non-empty text",
        CellType.Date => "a date yyyy-MM-dd",
        CellType.Amount => "a decimal amount in CNY with at most 2 decimals, e.g. 1299.00",
        CellType.Count => "a whole number 0 or more",
        CellType.Choice => string.Join(", ", Allowed),
        CellType.Serials => "serials separated by ';', each 1-64 of A-Z a-z 0-9 . _ -",
        CellType.Sha256 => "64 lower-case hex digits",
        CellType.Region => "six digits",
        CellType.CreditCode => "18 characters of 0-9 A-H J-N P-R T-U W-Y",
        _ => "",
    };
}

/// <summary>A problem with one cell of one line, printed as <c>error: FILE:LINE: column COL: reason (allowed: ...)</c>.</summary>
internal sealed record LineError(long Line, string Column, string Reason, string Allowed);

/// <summary>
/// One kind of CSV import: its table, columns, key and the rules across columns and tables. The rules see the database
/// as it would be after the import (<see cref="ImportContext"/>), so a row may reference another row of the same file.
/// </summary>
internal sealed record ImportKind(string Name, string Table, string Meaning, IReadOnlyList<ImportColumn> Columns, IReadOnlyList<string> Key)
{
    /// <summary>Rules across columns and tables; each yields the problems of one row.</summary>
    public Func<ImportRow, ImportContext, IEnumerable<LineError>> Rules { get; init; } = (_, _) => [];

    public ImportColumn Column(string name) => Columns.First(c => c.Name == name);

    public string KeyOf(IReadOnlyDictionary<string, string?> row) => string.Join('|', Key.Select(k => row[k]));
}

/// <summary>One validated data line of an import: its line number and its cells by column (null when empty).</summary>
internal sealed record ImportRow(long Line, IReadOnlyDictionary<string, string?> Cells)
{
    public string? this[string column] => Cells.TryGetValue(column, out var v) ? v : null;

    public string Get(string column) => this[column] ?? "";
}
