using System.Text;
using EdgeAgent.Hub.Registry;
using Microsoft.Data.Sqlite;

namespace EdgeAgent.Fuzz.Targets;

/// <summary>
/// The registry's CSV importers (<c>edgehub import KIND FILE.csv</c>): the input's first line names the kind
/// (<c>organisations</c>, <c>invoices</c>, ...), the rest is the file, imported by <see cref="Importer.Run"/> into a
/// fresh in-memory copy of a database that already holds the demo site's registry (so references resolve, held rows
/// are updated and immutable columns are checked). A first line naming no kind is not an input for this target.
/// <para>Documented rejections: line errors in the result (nothing written). Anything thrown is a finding.</para>
/// </summary>
internal sealed class CsvTarget : IFuzzTarget, IDisposable
{
    private readonly SqliteConnection _template;

    public CsvTarget()
    {
        _template = NewDatabase();
        foreach (var kind in ImportKinds.All)
        {
            var sample = Path.Combine(AppContext.BaseDirectory, "Registry", kind.Name + ".csv");
            if (!File.Exists(sample))
            {
                continue; // the demo site has no exchanges
            }

            using var reader = new StreamReader(sample);
            var result = Importer.Run(_template, kind, reader);
            if (result.Errors.Count > 0)
            {
                throw new InvalidOperationException($"the demo site's {kind.Name} sample does not import: {result.Errors[0].Reason}");
            }
        }
    }

    public string Name => "csv";

    public string Covers => "Hub Registry Importer.Run for each of the 13 import kinds (CsvHelper parsing, cell and cross-table checks, upsert)";

    public void Run(byte[] input)
    {
        var text = new UTF8Encoding(false).GetString(input);
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        var kind = ImportKinds.Find((newline < 0 ? text : text[..newline]).TrimEnd('\r'));
        if (kind is null)
        {
            return;
        }

        using var database = NewDatabase();
        _template.BackupDatabase(database);
        using var csv = new StringReader(newline < 0 ? "" : text[(newline + 1)..]);
        var result = Importer.Run(database, kind, csv);
        FuzzInvariantException.ThrowUnless(result.Errors.Count == 0 || result.Added + result.Updated + result.Unchanged == 0,
            "an import with line errors reports rows written");
        FuzzInvariantException.ThrowUnless(result.Errors.All(e => e.Line >= 1), "a line error names no line");
    }

    public void Dispose() => _template.Dispose();

    private static SqliteConnection NewDatabase()
    {
        var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var schema = connection.CreateCommand();
        schema.CommandText = RegistrySchema.Ddl;
        schema.ExecuteNonQuery();
        return connection;
    }
}
