namespace EdgeAgent.Hardware.Profiles;

/// <summary>
/// Finds profiles by id in a profiles directory laid out as <c>boards/{id}.json</c> and <c>products/{id}.json</c>
/// (the repository's <c>hardware/</c>, or wherever <c>Hardware:Profiles</c> points). An unknown id is a
/// <see cref="ProfileException"/> listing the ids there are.
/// </summary>
public sealed class ProfileCatalog
{
    /// <summary>The environment variable that names the profiles directory when none is configured.</summary>
    public const string DirectoryVariable = "EDGEAGENT_HARDWARE_DIR";

    public ProfileCatalog(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = directory;
    }

    /// <summary>The directory holding <c>boards/</c> and <c>products/</c>.</summary>
    public string Directory { get; }

    /// <summary>
    /// The catalog of <paramref name="configured"/> when given; else of $EDGEAGENT_HARDWARE_DIR; else of the first
    /// <c>hardware/</c> with a <c>boards/</c> folder found walking up from the current directory, then from the
    /// program's own directory (so a checkout or a published folder that ships <c>hardware/</c> works as is).
    /// </summary>
    public static ProfileCatalog Locate(string? configured = null)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return new ProfileCatalog(configured);
        }

        if (Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } fromEnvironment)
        {
            return new ProfileCatalog(fromEnvironment);
        }

        var starts = new[] { System.IO.Directory.GetCurrentDirectory(), AppContext.BaseDirectory };
        foreach (var start in starts)
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "hardware");
                if (System.IO.Directory.Exists(Path.Combine(candidate, "boards")))
                {
                    return new ProfileCatalog(candidate);
                }
            }
        }

        throw new ProfileException("Hardware:Profiles", "(setting)",
            $"is not set and no hardware/boards folder was found above {starts[0]} or {starts[1]}; set Hardware:Profiles or ${DirectoryVariable} to the folder holding boards/ and products/");
    }

    /// <summary>Ids of the boards in <c>boards/</c>, sorted.</summary>
    public IReadOnlyList<string> BoardIds => Ids("boards");

    /// <summary>Ids of the products in <c>products/</c>, sorted.</summary>
    public IReadOnlyList<string> ProductIds => Ids("products");

    public string BoardPath(string id) => Find("boards", "board", id, "Hardware:Board");

    public string ProductPath(string id) => Find("products", "product", id, "Hardware:Product");

    public BoardProfile Board(string id) => ProfileLoader.LoadBoard(BoardPath(id));

    public ProductProfile Product(string id) => ProfileLoader.LoadProduct(ProductPath(id));

    /// <summary>Loads a product and a board and checks the product fits the board (<see cref="ProfileLoader.Check"/>).</summary>
    public (ProductProfile Product, BoardProfile Board) Resolve(string productId, string boardId)
    {
        var product = Product(productId);
        var board = Board(boardId);
        ProfileLoader.Check(product, board);
        return (product, board);
    }

    private IReadOnlyList<string> Ids(string folder)
    {
        var dir = Path.Combine(Directory, folder);
        return System.IO.Directory.Exists(dir)
            ? [.. System.IO.Directory.EnumerateFiles(dir, "*.json").Select(Path.GetFileNameWithoutExtension).OfType<string>().Order(StringComparer.Ordinal)]
            : [];
    }

    private string Find(string folder, string what, string id, string setting)
    {
        ArgumentNullException.ThrowIfNull(id);
        var ids = Ids(folder);
        if (!ids.Contains(id, StringComparer.Ordinal))
        {
            var allowed = ids.Count == 0 ? $"none: {Path.Combine(Directory, folder)} has no profiles" : string.Join(", ", ids);
            throw new ProfileException(setting, "(setting)", $"'{id}' is not a {what} profile in {Path.Combine(Directory, folder)}; allowed: {allowed}");
        }

        return Path.Combine(Directory, folder, id + ".json");
    }
}
