namespace EdgeAgent.Hub.Registry;

/// <summary>
/// The registry as it would be after an import: every table as read from the database, with the imported file's rows
/// laid over its own table (a file row replaces the database row of the same key). Rules and references look here, so a
/// row may name another row of the same file.
/// </summary>
internal sealed class ImportContext
{
    private readonly Dictionary<string, List<IReadOnlyDictionary<string, string?>>> _tables = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, IReadOnlyDictionary<string, string?>>> _byKey = new(StringComparer.Ordinal);

    public ImportContext(IReadOnlyDictionary<string, List<Dictionary<string, string?>>> database, ImportKind imported, IReadOnlyList<ImportRow> fileRows)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(imported);
        ArgumentNullException.ThrowIfNull(fileRows);
        foreach (var kind in ImportKinds.All)
        {
            var rows = database.TryGetValue(kind.Table, out var held) ? held.Select(r => (IReadOnlyDictionary<string, string?>)r).ToList() : [];
            if (kind == imported)
            {
                var fileKeys = fileRows.Select(r => kind.KeyOf(r.Cells)).ToHashSet(StringComparer.Ordinal);
                rows = [.. rows.Where(r => !fileKeys.Contains(kind.KeyOf(r))), .. fileRows.Select(r => r.Cells)];
            }

            _tables[kind.Table] = rows;
            var index = new Dictionary<string, IReadOnlyDictionary<string, string?>>(StringComparer.Ordinal);
            foreach (var row in rows)
            {
                index.TryAdd(kind.KeyOf(row), row);
            }

            _byKey[kind.Table] = index;
        }
    }

    /// <summary>The row of <paramref name="table"/> with this key (composite keys joined with '|'), or null.</summary>
    public IReadOnlyDictionary<string, string?>? Find(string table, string key) => _byKey[table].GetValueOrDefault(key);

    public IReadOnlyList<IReadOnlyDictionary<string, string?>> Rows(string table) => _tables[table];

    /// <summary>True when a row of <paramref name="reference"/>'s table has this value in its column (and the kind it asks for).</summary>
    public bool Resolves(ImportReference reference, string value)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var kind = ImportKinds.All.First(k => k.Table == reference.Table);
        if (kind.Key.Count == 1 && kind.Key[0] == reference.Column && reference.RequiredKind is null)
        {
            return Find(reference.Table, value) is not null;
        }

        return Rows(reference.Table).Any(r => r[reference.Column] == value && (reference.RequiredKind is null || r["kind"] == reference.RequiredKind));
    }
}
