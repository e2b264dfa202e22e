using EdgeAgent.Hub.Store;

namespace EdgeAgent.Hub.Accounts;

/// <summary>The <c>accounts</c> table of the hub database, over a <see cref="HubStore"/>'s connection.</summary>
internal sealed class AccountStore
{
    private readonly HubStore _store;

    public AccountStore(HubStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <summary>Adds an account; false when the user name is taken (nothing changed).</summary>
    public bool Add(Account account, string passwordHash)
    {
        ArgumentNullException.ThrowIfNull(account);
        using var cmd = _store.Command(
            "INSERT INTO accounts (user_name, role, org_id, site_id, password_hash, disabled, created_at_ms) VALUES ($u, $r, $o, $s, $h, $d, $t) ON CONFLICT(user_name) DO NOTHING");
        cmd.Parameters.AddWithValue("$u", account.UserName);
        cmd.Parameters.AddWithValue("$r", account.Role);
        cmd.Parameters.AddWithValue("$o", (object?)account.OrgId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$s", (object?)account.SiteId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$h", passwordHash);
        cmd.Parameters.AddWithValue("$d", account.Disabled ? 1 : 0);
        cmd.Parameters.AddWithValue("$t", account.CreatedAtMs);
        return cmd.ExecuteNonQuery() == 1;
    }

    public Account? Find(string userName) => Find(userName, out _);

    /// <summary>The account and its password hash, or null.</summary>
    public Account? Find(string userName, out string passwordHash)
    {
        using var cmd = _store.Command("SELECT user_name, role, org_id, site_id, disabled, created_at_ms, password_hash FROM accounts WHERE user_name = $u");
        cmd.Parameters.AddWithValue("$u", userName);
        using var r = cmd.ExecuteReader();
        if (!r.Read())
        {
            passwordHash = "";
            return null;
        }

        passwordHash = r.GetString(6);
        return Read(r);
    }

    public IReadOnlyList<Account> List()
    {
        using var cmd = _store.Command("SELECT user_name, role, org_id, site_id, disabled, created_at_ms FROM accounts ORDER BY user_name");
        using var r = cmd.ExecuteReader();
        var list = new List<Account>();
        while (r.Read())
        {
            list.Add(Read(r));
        }

        return list;
    }

    /// <summary>Disables an account (its sessions stop at their next request); false when there is no such account.</summary>
    public bool Disable(string userName)
    {
        using var cmd = _store.Command("UPDATE accounts SET disabled = 1 WHERE user_name = $u");
        cmd.Parameters.AddWithValue("$u", userName);
        return cmd.ExecuteNonQuery() == 1;
    }

    public void SetPasswordHash(string userName, string passwordHash)
    {
        using var cmd = _store.Command("UPDATE accounts SET password_hash = $h WHERE user_name = $u");
        cmd.Parameters.AddWithValue("$u", userName);
        cmd.Parameters.AddWithValue("$h", passwordHash);
        cmd.ExecuteNonQuery();
    }

    private static Account Read(Microsoft.Data.Sqlite.SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetInt64(4) != 0, r.GetInt64(5));
}
