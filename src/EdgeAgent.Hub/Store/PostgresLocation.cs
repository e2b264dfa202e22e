using Npgsql;

namespace EdgeAgent.Hub.Store;

/// <summary>
/// A PostgreSQL store named as a URI: <c>postgres://user[:password]@host[:port]/db</c>, or
/// <c>postgres:///db?host=/socket/dir</c> for a unix socket (also <c>postgresql://</c>; <c>?user=</c> and
/// <c>?port=</c> are taken too). A password not in the URI comes from <c>PGPASSWORD</c>, so it need not be on a command line.
/// </summary>
internal static class PostgresLocation
{
    /// <summary>Whether <paramref name="store"/> names PostgreSQL rather than a SQLite file.</summary>
    public static bool IsPostgres(string? store) =>
        store is not null && (store.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || store.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase));

    /// <summary>The Npgsql connection string for <paramref name="uri"/>; false with a reason when it is not one.</summary>
    public static bool TryParse(string uri, out string connectionString, out string display, out string? problem)
    {
        connectionString = "";
        display = "";
        problem = null;
        if (!IsPostgres(uri) || !Uri.TryCreate(uri, UriKind.Absolute, out var u))
        {
            problem = $"'{uri}': expected postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE or postgres:///DATABASE?host=/SOCKET/DIR";
            return false;
        }

        var query = System.Web.HttpUtility.ParseQueryString(u.Query);
        var database = Uri.UnescapeDataString(u.AbsolutePath.TrimStart('/'));
        if (database.Length == 0)
        {
            problem = $"'{Redacted(u)}': names no database (postgres://USER@HOST/DATABASE)";
            return false;
        }

        var builder = new NpgsqlConnectionStringBuilder { Database = database };
        var host = query["host"] ?? (u.Host.Length > 0 ? u.Host : null);
        if (host is null)
        {
            problem = $"'{Redacted(u)}': names no host (postgres://USER@HOST/DATABASE, or ?host=/SOCKET/DIR for a unix socket)";
            return false;
        }

        builder.Host = host;
        if (query["port"] is { } p)
        {
            if (!int.TryParse(p, System.Globalization.CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            {
                problem = $"'{Redacted(u)}': port '{p}' is not 1-65535";
                return false;
            }

            builder.Port = port;
        }
        else if (!u.IsDefaultPort && u.Port > 0)
        {
            builder.Port = u.Port;
        }

        var userInfo = u.UserInfo.Split(':', 2);
        var user = query["user"] ?? (userInfo[0].Length > 0 ? Uri.UnescapeDataString(userInfo[0]) : null);
        if (user is not null)
        {
            builder.Username = user;
        }

        var password = userInfo.Length == 2 ? Uri.UnescapeDataString(userInfo[1]) : Environment.GetEnvironmentVariable("PGPASSWORD");
        if (!string.IsNullOrEmpty(password))
        {
            builder.Password = password;
        }

        // Ingestion prepares its few statements once per connection; a worker holds one connection.
        builder.MaxAutoPrepare = 16;
        builder.Pooling = false;
        connectionString = builder.ConnectionString;
        display = Redacted(u);
        return true;
    }

    /// <summary>The URI as messages show it: its password, if any, replaced by <c>***</c>.</summary>
    public static string Display(string uri) => Uri.TryCreate(uri, UriKind.Absolute, out var u) ? Redacted(u) : uri;

    private static string Redacted(Uri u) => u.UserInfo.Contains(':', StringComparison.Ordinal)
        ? u.GetComponents(UriComponents.SerializationInfoString, UriFormat.UriEscaped).Replace(u.UserInfo, u.UserInfo.Split(':')[0] + ":***", StringComparison.Ordinal)
        : u.ToString();
}
