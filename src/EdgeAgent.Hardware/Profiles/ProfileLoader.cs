using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace EdgeAgent.Hardware.Profiles;

/// <summary>
/// Loads and validates board and product profiles. A bad profile is a <see cref="ProfileException"/> listing every
/// problem of the file with its field and the allowed values; the agent loads its profiles at start, so a bad one
/// stops it there.
/// </summary>
public static class ProfileLoader
{
    /// <summary>Loads a board profile: structure, then device paths and the id.</summary>
    public static BoardProfile LoadBoard(string path) => ParseBoard(Read(path), path);

    /// <summary>Loads a product profile: structure, then kinds, chips, addresses, settings, signals, modes and faults.</summary>
    public static ProductProfile LoadProduct(string path) => ParseProduct(Read(path), path);

    public static BoardProfile ParseBoard(string json, string file)
    {
        var (parsed, errors) = Parse(json, file, ProfileShapes.Board, ProfileJsonContext.Default.BoardProfile);
        var board = parsed is null ? null : parsed with { SourceFile = file };
        if (board is not null)
        {
            ProfileRules.CheckBoard(board, file, errors);
        }

        ThrowIfAny(errors);
        return board!;
    }

    public static ProductProfile ParseProduct(string json, string file)
    {
        var (parsed, errors) = Parse(json, file, ProfileShapes.Product, ProfileJsonContext.Default.ProductProfile);
        var product = parsed is null ? null : parsed with { SourceFile = file };
        if (product is not null)
        {
            ProfileRules.CheckProduct(product, errors);
        }

        ThrowIfAny(errors);
        return product!;
    }

    /// <summary>
    /// Every problem of running <paramref name="product"/> on <paramref name="board"/>: the product's own rules, the
    /// board being one the product lists (a simulated board always fits), each sensor's bus, UART, camera and audio id
    /// being one of the board's, and the control pins existing on it. Empty when they fit.
    /// </summary>
    public static IReadOnlyList<ProfileError> FindProblems(ProductProfile product, BoardProfile board)
    {
        ArgumentNullException.ThrowIfNull(product);
        ArgumentNullException.ThrowIfNull(board);
        var errors = new List<ProfileError>();
        ProfileRules.CheckProduct(product, errors);
        ProfileRules.CheckFit(product, board, errors);
        return errors;
    }

    /// <summary>Throws a <see cref="ProfileException"/> listing every problem <see cref="FindProblems"/> finds.</summary>
    public static void Check(ProductProfile product, BoardProfile board) => ThrowIfAny(FindProblems(product, board));

    /// <summary>Writes a profile back as JSON (snake_case, as in the files).</summary>
    public static string Serialize(BoardProfile board) => JsonSerializer.Serialize(board, ProfileJsonContext.Default.BoardProfile);

    public static string Serialize(ProductProfile product) => JsonSerializer.Serialize(product, ProfileJsonContext.Default.ProductProfile);

    private static string Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ProfileException(path, "(file)", $"cannot be read: {e.Message}", e);
        }
    }

    /// <summary>
    /// Checks the structure and reads the profile. The value is null when the structure is wrong, except when the only
    /// problems are unknown properties: those are dropped so the caller's rules still run and report the rest too.
    /// </summary>
    private static (T? Value, List<ProfileError> Errors) Parse<T>(string json, string file, ObjectShape shape, JsonTypeInfo<T> type)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Disallow, AllowTrailingCommas = false });
        }
        catch (JsonException e)
        {
            var line = e.LineNumber is { } l ? string.Create(CultureInfo.InvariantCulture, $" at line {l + 1}, column {e.BytePositionInLine + 1}") : "";
            throw new ProfileException(file, "(document)", $"is not valid JSON{line}: {e.Message}", e);
        }

        var errors = new List<ProfileError>();
        JsonNode? root;
        using (document)
        {
            var validator = new StructureValidator(file, errors);
            validator.Validate(document.RootElement, shape, "");
            if (errors.Count > validator.UnknownProperties.Count)
            {
                return (null, errors);
            }

            root = JsonNode.Parse(document.RootElement.GetRawText());
            foreach (var unknown in validator.UnknownProperties)
            {
                Drop(root!, unknown);
            }
        }

        try
        {
            return (root.Deserialize(type), errors);
        }
        catch (JsonException e)
        {
            // The structure check accepts only what the types can hold; reaching here is a gap between the two.
            throw new ProfileException(file, e.Path is { Length: > 1 } p ? p.TrimStart('$', '.') : "(document)", $"cannot be read: {e.Message}", e);
        }
    }

    private static void Drop(JsonNode root, IReadOnlyList<object> at)
    {
        var node = root;
        foreach (var step in at.Take(at.Count - 1))
        {
            node = step is int index ? node[index]! : node[(string)step]!;
        }

        node.AsObject().Remove((string)at[^1]);
    }

    private static void ThrowIfAny(IReadOnlyList<ProfileError> errors)
    {
        if (errors.Count > 0)
        {
            throw new ProfileException(errors);
        }
    }
}
