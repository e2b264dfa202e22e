using System.Globalization;
using Microsoft.Data.Sqlite;

namespace EdgeAgent.Sim.Report;

/// <summary>What the hub itself holds, read from its own store rather than counted by the simulator.</summary>
/// <param name="Stored">Records stored (verified) in total.</param>
/// <param name="StoredInWindow">Records stored with a receive time inside the window asked for.</param>
/// <param name="Rejections">Rejections per reason.</param>
internal sealed record HubCounts(long Stored, long StoredInWindow, IReadOnlyDictionary<string, long> Rejections);

/// <summary>
/// Reads the hub's record and rejection counts, from the store of the hub's configuration: the embedded hub's SQLite
/// database (<see cref="SqliteHubCounts"/>) or the scale-out hub's PostgreSQL store (<see cref="PostgresHubCounts"/>);
/// both hold the same <c>records</c> and <c>rejections</c> tables.
/// </summary>
internal interface IHubCounts
{
    string Source { get; }

    HubCounts Read(long windowFromMs, long windowToMs);
}

/// <summary>The embedded hub's database, opened read-only beside the running hub (WAL lets it read while the hub writes).</summary>
internal sealed class SqliteHubCounts(string path) : IHubCounts
{
    public string Source => $"sqlite:{path}";

    public HubCounts Read(long windowFromMs, long windowToMs)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        long Scalar(string sql)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Parameters.AddWithValue("$a", windowFromMs);
            command.Parameters.AddWithValue("$b", windowToMs);
            return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        }

        var stored = Scalar("SELECT count(*) FROM records");
        var inWindow = Scalar("SELECT count(*) FROM records WHERE received_at_ms >= $a AND received_at_ms < $b");
        var rejections = new Dictionary<string, long>(StringComparer.Ordinal);
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT reason, count(*) FROM rejections GROUP BY reason ORDER BY reason";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                rejections[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        return new HubCounts(stored, inWindow, rejections);
    }
}

/// <summary>The scale-out hub's PostgreSQL store (the workers' shared one), read with its own connection each time.</summary>
internal sealed class PostgresHubCounts : IHubCounts
{
    private readonly string _connectionString;

    private PostgresHubCounts(string connectionString, string source)
    {
        _connectionString = connectionString;
        Source = source;
    }

    public string Source { get; }

    /// <summary>From postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE (PGPASSWORD when the URI has no password); false with why.</summary>
    public static bool TryCreate(string uri, out PostgresHubCounts? counts, out string? problem)
    {
        counts = null;
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var u) || u.Scheme is not ("postgres" or "postgresql") || u.Host.Length == 0 || u.AbsolutePath.Trim('/').Length == 0)
        {
            problem = $"'{uri}': expected postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE";
            return false;
        }

        var userInfo = u.UserInfo.Split(':', 2);
        var builder = new Npgsql.NpgsqlConnectionStringBuilder
        {
            Host = u.Host,
            Port = u.IsDefaultPort || u.Port <= 0 ? 5432 : u.Port,
            Database = Uri.UnescapeDataString(u.AbsolutePath.Trim('/')),
            Username = userInfo[0].Length > 0 ? Uri.UnescapeDataString(userInfo[0]) : null,
            Password = userInfo.Length == 2 ? Uri.UnescapeDataString(userInfo[1]) : Environment.GetEnvironmentVariable("PGPASSWORD"),
            Pooling = false,
        };
        counts = new PostgresHubCounts(builder.ConnectionString, $"postgres://{u.Host}:{builder.Port.ToString(CultureInfo.InvariantCulture)}/{builder.Database}");
        problem = null;
        return true;
    }

    public HubCounts Read(long windowFromMs, long windowToMs)
    {
        using var connection = new Npgsql.NpgsqlConnection(_connectionString);
        connection.Open();
        long Scalar(string sql)
        {
            using var command = new Npgsql.NpgsqlCommand(sql, connection);
            command.Parameters.AddWithValue("a", windowFromMs);
            command.Parameters.AddWithValue("b", windowToMs);
            return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        }

        var stored = Scalar("SELECT count(*) FROM records");
        var inWindow = Scalar("SELECT count(*) FROM records WHERE received_at_ms >= @a AND received_at_ms < @b");
        var rejections = new Dictionary<string, long>(StringComparer.Ordinal);
        using (var command = new Npgsql.NpgsqlCommand("SELECT reason, count(*) FROM rejections GROUP BY reason ORDER BY reason", connection))
        {
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                rejections[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        return new HubCounts(stored, inWindow, rejections);
    }
}

/// <summary>Resident memory of the hub's processes (the embedded hub is one; the scale-out hub adds its workers, broker and database), from /proc.</summary>
internal sealed class ProcessMemory(IReadOnlyList<int> pids)
{
    public IReadOnlyList<int> Pids => pids;

    /// <summary>VmRSS of each process in MB; a process that is gone reads as null.</summary>
    public IReadOnlyList<double?> ResidentMb() => [.. pids.Select(Rss)];

    private static double? Rss(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    var kb = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                    return Math.Round(kb / 1024.0, 1);
                }
            }
        }
        catch (IOException)
        {
        }

        return null;
    }
}
