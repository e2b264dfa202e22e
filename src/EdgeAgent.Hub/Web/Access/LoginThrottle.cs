using System.Threading.RateLimiting;

namespace EdgeAgent.Hub.Web.Access;

/// <summary>
/// Failed logins per account: after <see cref="FailuresPerAccount"/> failures within <see cref="Window"/> the account
/// takes no login attempt (not even the right password) until the window ends. The per-client-address limit is the
/// ASP.NET Core rate limiter's <c>login</c> policy (<see cref="WebSetup"/>).
/// </summary>
internal sealed class LoginThrottle : IDisposable
{
    public const int FailuresPerAccount = 5;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    private readonly PartitionedRateLimiter<string> _failures = PartitionedRateLimiter.Create<string, string>(user =>
        RateLimitPartition.GetFixedWindowLimiter(user, _ => new FixedWindowRateLimiterOptions { PermitLimit = FailuresPerAccount, Window = Window, QueueLimit = 0 }));

    /// <summary>Whether the account may try a password now.</summary>
    public bool MayTry(string userName)
    {
        using var lease = _failures.AttemptAcquire(Key(userName), 0);
        return lease.IsAcquired;
    }

    public void Failed(string userName)
    {
        using var lease = _failures.AttemptAcquire(Key(userName), 1);
    }

    public void Dispose() => _failures.Dispose();

    private static string Key(string userName) => userName.ToUpperInvariant();
}
