using System.CommandLine;
using System.Text;
using EdgeAgent.Hub.Accounts;
using EdgeAgent.Hub.Store;
using Microsoft.Data.Sqlite;

namespace EdgeAgent.Hub.Cli;

/// <summary><c>edgehub users add|list|disable</c>: dashboard and REST API accounts.</summary>
internal static class UsersCommand
{
    /// <param name="stdin">Where <c>add</c> reads the password when no <c>--password-env</c> is given (default: the console).</param>
    public static Command Build(TextReader? stdin = null)
    {
        var command = new Command("users", "Accounts of the dashboard and REST API, each with a role: admin, product (one enterprise's products), auditor (reads everything, changes nothing), site (one pilot site).");
        command.Subcommands.Add(Add(stdin));
        command.Subcommands.Add(List());
        command.Subcommands.Add(Disable());
        return command;
    }

    private static Command Add(TextReader? stdin)
    {
        var user = new Option<string>("--user") { Description = "The account's user name (1-64 of A-Z a-z 0-9 . _ - @).", Required = true };
        var role = new Option<string>("--role") { Description = $"Its role: {string.Join(", ", Roles.All)}.", Required = true };
        var org = new Option<string?>("--org") { Description = "With --role product: the enterprise's organisation id (organisations.org_id); the account sees the devices of that enterprise's products." };
        var site = new Option<string?>("--site") { Description = "With --role site: the pilot site's id (sites.site_id); the account sees the devices commissioned there." };
        var passwordEnv = new Option<string?>("--password-env")
        {
            Description = $"Read the password from this environment variable instead of the first line of standard input (never from the command line). At least {Passwords.MinLength} characters.",
        };
        var db = CommonOptions.Database();
        var command = new Command("add", "Add an account. The password comes from standard input (or --password-env) and is stored only as a salted PBKDF2 hash.");
        command.Options.Add(user);
        command.Options.Add(role);
        command.Options.Add(org);
        command.Options.Add(site);
        command.Options.Add(passwordEnv);
        command.Options.Add(db);
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var (u, r, o, s) = (parse.GetValue(user)!, parse.GetValue(role)!, parse.GetValue(org), parse.GetValue(site));
            if (Account.Validate(u, r, o, s) is { Count: > 0 } problems)
            {
                foreach (var p in problems)
                {
                    error.WriteLine($"error: {p}");
                }

                return ExitCodes.BadInput;
            }

            string? password;
            if (parse.GetValue(passwordEnv) is { } variable)
            {
                password = Environment.GetEnvironmentVariable(variable);
                if (password is null)
                {
                    error.WriteLine($"error: --password-env {variable}: the environment variable is not set");
                    return ExitCodes.BadInput;
                }
            }
            else
            {
                password = ReadPassword(stdin, error);
            }

            if (Passwords.Check(password) is { } weak)
            {
                error.WriteLine($"error: {(parse.GetValue(passwordEnv) is { } v ? $"--password-env {v}" : "standard input")}: {weak}");
                return ExitCodes.BadInput;
            }

            try
            {
                using var store = HubStore.Open(parse.GetValue(db)!);
                var account = new Account(u, r, o, s, Disabled: false, TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds());
                if (!new AccountStore(store).Add(account, Passwords.Hash(password!)))
                {
                    error.WriteLine($"error: --user '{u}': an account of that name exists; nothing changed");
                    return ExitCodes.BadInput;
                }

                output.WriteLine($"added user {u} with role {r}{(o is null ? "" : $" of enterprise {o}")}{(s is null ? "" : $" at site {s}")}");
                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is SqliteException or InvalidOperationException)
            {
                error.WriteLine($"error: --db {parse.GetValue(db)}: {e.Message}");
                return ExitCodes.Failure;
            }
        });
        return command;
    }

    private static Command List()
    {
        var db = CommonOptions.Database();
        var command = new Command("list", "List accounts: user, role, enterprise (org), site, enabled|disabled, creation time (Unix ms). Never shows password hashes.");
        command.Options.Add(db);
        command.SetAction(parse =>
        {
            try
            {
                using var store = HubStore.Open(parse.GetValue(db)!);
                foreach (var a in new AccountStore(store).List())
                {
                    parse.InvocationConfiguration.Output.WriteLine($"{a.UserName}\t{a.Role}\t{a.OrgId ?? "-"}\t{a.SiteId ?? "-"}\t{(a.Disabled ? "disabled" : "enabled")}\t{a.CreatedAtMs}");
                }

                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is SqliteException or InvalidOperationException)
            {
                parse.InvocationConfiguration.Error.WriteLine($"error: --db {parse.GetValue(db)}: {e.Message}");
                return ExitCodes.Failure;
            }
        });
        return command;
    }

    private static Command Disable()
    {
        var user = new Option<string>("--user") { Description = "The account to disable; its open sessions stop at their next request.", Required = true };
        var db = CommonOptions.Database();
        var command = new Command("disable", "Disable an account: it can no longer log in, and its sessions are refused.");
        command.Options.Add(user);
        command.Options.Add(db);
        command.SetAction(parse =>
        {
            var u = parse.GetValue(user)!;
            try
            {
                using var store = HubStore.Open(parse.GetValue(db)!);
                if (!new AccountStore(store).Disable(u))
                {
                    parse.InvocationConfiguration.Error.WriteLine($"error: --user '{u}': no such account");
                    return ExitCodes.BadInput;
                }

                parse.InvocationConfiguration.Output.WriteLine($"disabled user {u}");
                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is SqliteException or InvalidOperationException)
            {
                parse.InvocationConfiguration.Error.WriteLine($"error: --db {parse.GetValue(db)}: {e.Message}");
                return ExitCodes.Failure;
            }
        });
        return command;
    }

    /// <summary>The first line of <paramref name="stdin"/>; from an interactive console, typed without echo.</summary>
    private static string? ReadPassword(TextReader? stdin, TextWriter error)
    {
        if (stdin is not null || Console.IsInputRedirected)
        {
            return (stdin ?? Console.In).ReadLine();
        }

        error.Write("password: ");
        var text = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                error.WriteLine();
                return text.ToString();
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                text.Length = Math.Max(0, text.Length - 1);
            }
            else if (!char.IsControl(key.KeyChar))
            {
                text.Append(key.KeyChar);
            }
        }
    }
}
