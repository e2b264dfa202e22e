using EdgeAgent.Contracts.Records;

namespace EdgeAgent.Hub.Accounts;

/// <summary>A dashboard account: its role and tenant (the enterprise of a product team, the site of a pilot site).</summary>
internal sealed record Account(string UserName, string Role, string? OrgId, string? SiteId, bool Disabled, long CreatedAtMs)
{
    /// <summary>Checks a new account's fields; each problem names the option and the allowed values.</summary>
    public static IReadOnlyList<string> Validate(string userName, string role, string? orgId, string? siteId)
    {
        var problems = new List<string>();
        if (!IsValidName(userName))
        {
            problems.Add($"--user '{userName}': 1-64 of A-Z a-z 0-9 . _ - @");
        }

        if (!Roles.IsKnown(role))
        {
            problems.Add($"--role '{role}': one of {string.Join(", ", Roles.All)}");
            return problems;
        }

        if (role == Roles.Product && string.IsNullOrEmpty(orgId))
        {
            problems.Add("--org: required with --role product (the enterprise's organisation id, organisations.org_id)");
        }

        if (role != Roles.Product && orgId is not null)
        {
            problems.Add($"--org: only with --role product, not {role}");
        }

        if (role == Roles.Site && string.IsNullOrEmpty(siteId))
        {
            problems.Add("--site: required with --role site (the pilot site's id, sites.site_id)");
        }

        if (role != Roles.Site && siteId is not null)
        {
            problems.Add($"--site: only with --role site, not {role}");
        }

        foreach (var (name, value) in new[] { ("--org", orgId), ("--site", siteId) })
        {
            if (!string.IsNullOrEmpty(value) && !RecordCodec.IsValidId(value))
            {
                problems.Add($"{name} '{value}': 1-64 of A-Z a-z 0-9 . _ -");
            }
        }

        return problems;
    }

    public static bool IsValidName(string? name) =>
        name is { Length: >= 1 and <= 64 } && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@');
}
