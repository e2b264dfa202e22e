namespace EdgeAgent.Hub.Accounts;

/// <summary>
/// The dashboard's roles: <see cref="Admin"/> does everything; <see cref="Product"/> (a product team) sees only the devices
/// whose product belongs to its enterprise; <see cref="Auditor"/> reads everything and changes nothing; <see cref="Site"/>
/// (a pilot site) sees only the devices commissioned at its site.
/// </summary>
internal static class Roles
{
    public const string Admin = "admin";
    public const string Product = "product";
    public const string Auditor = "auditor";
    public const string Site = "site";

    public static IReadOnlyList<string> All { get; } = [Admin, Product, Auditor, Site];

    public static bool IsKnown(string? role) => role is not null && All.Contains(role, StringComparer.Ordinal);
}
