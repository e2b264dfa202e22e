using System.Globalization;
using EdgeAgent.Hub.Store;
using Microsoft.Data.Sqlite;

namespace EdgeAgent.Hub.Registry;

/// <summary>
/// A connection to the hub's database for the registry and the reports, after <see cref="HubStore"/> has brought its
/// schema up to date. Rows are read as text by column name, which is all the registry needs.
/// </summary>
internal static class RegistryDatabase
{
    public static SqliteConnection Open(string path)
    {
        HubStore.Open(path).Dispose(); // applies the migrations, refuses a newer schema
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.GetFullPath(path), Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA busy_timeout=5000;";
        cmd.ExecuteNonQuery();
        return connection;
    }

    /// <summary>Every row of <paramref name="table"/> as column → text (null for SQL NULL), in key order.</summary>
    public static List<Dictionary<string, string?>> ReadTable(SqliteConnection connection, string table, SqliteTransaction? transaction = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var kind = ImportKinds.All.First(k => k.Table == table);
        using var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = $"SELECT * FROM {table} ORDER BY {string.Join(", ", kind.Key)}";
        using var r = cmd.ExecuteReader();
        var rows = new List<Dictionary<string, string?>>();
        while (r.Read())
        {
            var row = new Dictionary<string, string?>(StringComparer.Ordinal);
            for (var i = 0; i < r.FieldCount; i++)
            {
                row[r.GetName(i)] = r.IsDBNull(i) ? null : Convert.ToString(r.GetValue(i), CultureInfo.InvariantCulture);
            }

            rows.Add(row);
        }

        return rows;
    }
}
