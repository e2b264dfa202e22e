using System.CommandLine;
using EdgeAgent.Hub.Cli;
using Microsoft.Data.Sqlite;

namespace EdgeAgent.Hub.Registry;

/// <summary><c>edgehub import KIND FILE.csv</c>: one registry table from a CSV file, all of it or nothing.</summary>
internal static class ImportCommand
{
    public static Command Build()
    {
        var command = new Command(
            "import",
            "Import registry rows from a CSV file with a header row (columns and examples: src/EdgeAgent.Hub/Registry/IMPORTS.md). " +
            "Every line is validated; if any is bad nothing is imported and each bad line is printed as " +
            "'error: FILE:LINE: column COL: reason (allowed: ...)' with exit code 2.");
        foreach (var kind in ImportKinds.All)
        {
            command.Subcommands.Add(Kind(kind));
        }

        return command;
    }

    private static Command Kind(ImportKind kind)
    {
        var file = new Argument<string>("file") { Description = $"The CSV file; header columns: {string.Join(", ", kind.Columns.Select(c => c.Required ? c.Name : c.Name + "?"))} (? = optional)." };
        var db = CommonOptions.Database();
        var command = new Command(kind.Name, $"{kind.Meaning} Into table {kind.Table}, keyed by {string.Join("+", kind.Key)}; a row with a held key updates it.");
        command.Arguments.Add(file);
        command.Options.Add(db);
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var path = parse.GetValue(file)!;
            try
            {
                using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
                using var connection = RegistryDatabase.Open(parse.GetValue(db)!);
                var result = Importer.Run(connection, kind, reader);
                foreach (var e in result.Errors)
                {
                    error.WriteLine($"error: {path}:{e.Line}: column {e.Column}: {e.Reason} (allowed: {e.Allowed})");
                }

                if (result.Errors.Count > 0)
                {
                    error.WriteLine($"error: {path}: {result.Errors.Select(e => e.Line).Distinct().Count()} bad line(s); nothing was imported");
                    return ExitCodes.BadInput;
                }

                output.WriteLine($"imported {path} into {kind.Table}: {result.Added} added, {result.Updated} updated, {result.Unchanged} unchanged ({result.TableRows} rows now)");
                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
            {
                error.WriteLine($"error: {path}: {e.Message}");
                return ExitCodes.BadInput;
            }
            catch (Exception e) when (e is SqliteException or InvalidOperationException or IOException)
            {
                error.WriteLine($"error: --db {parse.GetValue(db)}: {e.Message}");
                return ExitCodes.Failure;
            }
        });
        return command;
    }
}
