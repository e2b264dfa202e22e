using System.Security.Claims;
using EdgeAgent.Hub.Accounts;

namespace EdgeAgent.Hub.Web.Access;

/// <summary>Who makes a request: the signed-in account's name, role and tenant, as carried in its session cookie.</summary>
internal sealed record Caller(string UserName, string Role, string? OrgId, string? SiteId)
{
    public const string OrgClaim = "edgehub:org";
    public const string SiteClaim = "edgehub:site";

    public static Caller FromAccount(Account account)
    {
        ArgumentNullException.ThrowIfNull(account);
        return new Caller(account.UserName, account.Role, account.OrgId, account.SiteId);
    }

    /// <summary>The caller of an authenticated principal with a known role and the tenant it needs, else null.</summary>
    public static Caller? From(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.Identity is not { IsAuthenticated: true, Name: { } name })
        {
            return null;
        }

        var role = user.FindFirstValue(ClaimTypes.Role);
        var caller = new Caller(name, role ?? "", user.FindFirstValue(OrgClaim), user.FindFirstValue(SiteClaim));
        return caller.Role switch
        {
            Roles.Admin or Roles.Auditor => caller,
            Roles.Product when caller.OrgId is not null => caller,
            Roles.Site when caller.SiteId is not null => caller,
            _ => null,
        };
    }

    public ClaimsPrincipal ToPrincipal(string scheme)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, UserName), new(ClaimTypes.Role, Role) };
        if (OrgId is not null)
        {
            claims.Add(new Claim(OrgClaim, OrgId));
        }

        if (SiteId is not null)
        {
            claims.Add(new Claim(SiteClaim, SiteId));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, ClaimTypes.Name, ClaimTypes.Role));
    }

    /// <summary>Admins only may change anything (accounts today); every other role reads.</summary>
    public bool MayChange => Role == Roles.Admin;
}
