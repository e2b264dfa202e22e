using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Hub.Accounts;

/// <summary>
/// Password hashing with ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/> (format v3: PBKDF2-HMAC-SHA512, a
/// 128-bit random salt per hash, the iteration count stored in the hash), at <see cref="Iterations"/> iterations (OWASP's
/// figure for PBKDF2-HMAC-SHA512). A hash made with fewer iterations still verifies and is reported for rehashing.
/// </summary>
internal static class Passwords
{
    public const int Iterations = 210_000;

    /// <summary>Shortest password accepted.</summary>
    public const int MinLength = 12;

    private static readonly PasswordHasher<Account> Hasher = new(Options.Create(new PasswordHasherOptions
    {
        CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV3,
        IterationCount = Iterations,
    }));

    public static string Hash(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        return Hasher.HashPassword(null!, password);
    }

    /// <summary>Whether <paramref name="password"/> matches <paramref name="hash"/>, and whether the hash should be renewed.</summary>
    public static (bool Ok, bool Rehash) Verify(string hash, string password)
    {
        ArgumentNullException.ThrowIfNull(hash);
        ArgumentNullException.ThrowIfNull(password);
        return Hasher.VerifyHashedPassword(null!, hash, password) switch
        {
            PasswordVerificationResult.Success => (true, false),
            PasswordVerificationResult.SuccessRehashNeeded => (true, true),
            _ => (false, false),
        };
    }

    /// <summary>A problem with a new password, or null when it is acceptable.</summary>
    public static string? Check(string? password) =>
        password is null || password.Length < MinLength ? $"the password must have at least {MinLength} characters" : null;
}
