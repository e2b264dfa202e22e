using System.CommandLine;
using EdgeAgent.Hub.Accounts;
using EdgeAgent.Hub.Cli;
using EdgeAgent.Hub.Store;
using EdgeAgent.TestKit.IO;

namespace EdgeAgent.Hub.Tests.Accounts;

public sealed class UsersCommandTests : IDisposable
{
    private const string Password = "correct horse battery";
    private readonly TempDirectory _dir = new();

    private string Db => _dir.Combine("hub.db");

    [Fact]
    public async Task Add_PasswordOnStdin_StoredAsPbkdf2HashThatVerifies()
    {
        var result = await RunAsync(Password + "\n", "users", "add", "--user", "ana", "--role", "product", "--org", "ORG-A", "--db", Db);

        Assert.Equal(0, result.Code);
        using var store = HubStore.Open(Db);
        var account = new AccountStore(store).Find("ana", out var hash);
        Assert.Equal(new Account("ana", Roles.Product, "ORG-A", null, false, account!.CreatedAtMs), account);
        Assert.DoesNotContain(Password, hash, StringComparison.Ordinal);
        Assert.Equal((true, false), Passwords.Verify(hash, Password));
        Assert.Equal((false, false), Passwords.Verify(hash, Password + "x"));
    }

    [Fact]
    public async Task Add_PasswordFromEnvironment_Used()
    {
        var variable = "EDGEHUB_TEST_PW_" + Guid.NewGuid().ToString("N")[..8];
        Environment.SetEnvironmentVariable(variable, Password);
        try
        {
            var result = await RunAsync("", "users", "add", "--user", "root", "--role", "admin", "--password-env", variable, "--db", Db);
            Assert.Equal(0, result.Code);
            using var store = HubStore.Open(Db);
            new AccountStore(store).Find("root", out var hash);
            Assert.True(Passwords.Verify(hash, Password).Ok);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Theory]
    [InlineData("product", null, null, "--org")]
    [InlineData("site", null, null, "--site")]
    [InlineData("admin", "ORG-A", null, "--org")]
    [InlineData("auditor", null, "S-1", "--site")]
    [InlineData("root", null, null, "admin, product, auditor, site")]
    public async Task Add_RoleWithoutItsTenantOrWithAnother_Exit2NamingTheOption(string role, string? org, string? site, string named)
    {
        string[] args = ["users", "add", "--user", "u1", "--role", role, "--db", Db];
        if (org is not null)
        {
            args = [.. args, "--org", org];
        }

        if (site is not null)
        {
            args = [.. args, "--site", site];
        }

        var result = await RunAsync(Password + "\n", args);

        Assert.Equal(2, result.Code);
        Assert.Contains(named, result.Error, StringComparison.Ordinal);
        using var store = HubStore.Open(Db);
        Assert.Empty(new AccountStore(store).List());
    }

    [Fact]
    public async Task Add_ShortPasswordOrTakenName_Exit2AndNothingChanged()
    {
        var shortPassword = await RunAsync("short\n", "users", "add", "--user", "u1", "--role", "auditor", "--db", Db);
        await RunAsync(Password + "\n", "users", "add", "--user", "u2", "--role", "auditor", "--db", Db);
        var taken = await RunAsync(Password + "!\n", "users", "add", "--user", "u2", "--role", "admin", "--db", Db);

        Assert.Equal((2, 2), (shortPassword.Code, taken.Code));
        Assert.Contains($"at least {Passwords.MinLength} characters", shortPassword.Error, StringComparison.Ordinal);
        using var store = HubStore.Open(Db);
        Assert.Equal(Roles.Auditor, Assert.Single(new AccountStore(store).List()).Role);
    }

    [Fact]
    public async Task ListAndDisable_Account_ShownDisabledWithoutHash()
    {
        await RunAsync(Password + "\n", "users", "add", "--user", "site1", "--role", "site", "--site", "S-1", "--db", Db);

        var disable = await RunAsync("", "users", "disable", "--user", "site1", "--db", Db);
        var missing = await RunAsync("", "users", "disable", "--user", "nobody", "--db", Db);
        var list = await RunAsync("", "users", "list", "--db", Db);

        Assert.Equal((0, 2, 0), (disable.Code, missing.Code, list.Code));
        Assert.StartsWith("site1\tsite\t-\tS-1\tdisabled\t", list.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("AQAAAA", list.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_EveryUsersVerb_DescribedWithDb()
    {
        foreach (var verb in new[] { "add", "list", "disable" })
        {
            var result = await RunAsync("", "users", verb, "--help");
            Assert.Equal(0, result.Code);
            Assert.Contains("--db", result.Output, StringComparison.Ordinal);
        }
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(string stdin, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var root = new RootCommand("test");
        root.Subcommands.Add(UsersCommand.Build(new StringReader(stdin)));
        var code = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }
}
