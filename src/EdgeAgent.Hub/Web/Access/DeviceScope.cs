using EdgeAgent.Hub.Accounts;
using Microsoft.Data.Sqlite;

namespace EdgeAgent.Hub.Web.Access;

/// <summary>
/// The devices a caller may see, as one SQL condition every query of the API adds: admin and auditor see every device; a
/// product team the devices whose product (products.product_id = devices.product_id) has its enterprise as enterprise_id;
/// a pilot site the devices whose latest accepted <c>deployment.commissioned</c> record names its site in <c>data.site</c>.
/// </summary>
internal sealed class DeviceScope
{
    /// <summary>SQL for a device's site: the <c>site</c> of its latest accepted <c>deployment.commissioned</c> record, over the column holding its id.</summary>
    public static string SiteOf(string deviceColumn) =>
        $"(SELECT json_extract(CAST(c.payload AS TEXT), '$.data.site') FROM records c WHERE c.device_id = {deviceColumn} AND c.type = 'deployment.commissioned' AND c.payload IS NOT NULL ORDER BY c.seq DESC LIMIT 1)";

    private DeviceScope(Caller caller)
    {
        Caller = caller;
    }

    public Caller Caller { get; }

    /// <summary>True for roles that see every device.</summary>
    public bool All => Caller.Role is Roles.Admin or Roles.Auditor;

    public static DeviceScope For(Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return new DeviceScope(caller);
    }

    /// <summary>
    /// A condition true for the visible devices, over the column holding a device id, qualified with its table
    /// (<c>r.device_id</c>: an unqualified name would bind to the subquery's own table); bind it with <see cref="Bind"/>.
    /// </summary>
    public string Condition(string deviceColumn) => !deviceColumn.Contains('.', StringComparison.Ordinal)
        ? throw new ArgumentException($"'{deviceColumn}': qualify the column with its table", nameof(deviceColumn))
        : Caller.Role switch
    {
        Roles.Admin or Roles.Auditor => "1=1",
        Roles.Product => $"{deviceColumn} IN (SELECT sd.device_id FROM devices sd JOIN products sp ON sp.product_id = sd.product_id WHERE sp.enterprise_id = $scope_org)",
        Roles.Site => $"{SiteOf(deviceColumn)} = $scope_site",
        _ => "1=0",
    };

    public void Bind(SqliteCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (Caller.Role == Roles.Product)
        {
            command.Parameters.AddWithValue("$scope_org", Caller.OrgId);
        }
        else if (Caller.Role == Roles.Site)
        {
            command.Parameters.AddWithValue("$scope_site", Caller.SiteId);
        }
    }

    /// <summary>Whether the device is enrolled and visible to the caller.</summary>
    public bool CanSee(Store.HubStore store, string deviceId)
    {
        ArgumentNullException.ThrowIfNull(store);
        using var cmd = store.Command($"SELECT COUNT(*) FROM devices WHERE device_id = $d AND {Condition("devices.device_id")}");
        cmd.Parameters.AddWithValue("$d", deviceId);
        Bind(cmd);
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    /// <summary>Whether the caller may ask about this product: a product team only about its enterprise's products.</summary>
    public bool CanSeeProduct(Store.HubStore store, string productId)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (Caller.Role != Roles.Product)
        {
            return true;
        }

        using var cmd = store.Command("SELECT COUNT(*) FROM products WHERE product_id = $p AND enterprise_id = $scope_org");
        cmd.Parameters.AddWithValue("$p", productId);
        Bind(cmd);
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    /// <summary>Whether the caller may ask about this site: a pilot site only about itself.</summary>
    public bool CanSeeSite(string siteId) => Caller.Role != Roles.Site || string.Equals(siteId, Caller.SiteId, StringComparison.Ordinal);
}
