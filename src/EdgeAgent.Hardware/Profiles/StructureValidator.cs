using System.Globalization;
using System.Text.Json;

namespace EdgeAgent.Hardware.Profiles;

/// <summary>
/// Walks a JSON document against a <see cref="Shape"/> and collects every mismatch (unknown or repeated property,
/// missing required one, wrong type, value not allowed, out of range) with its JSON path, never stopping at the first.
/// </summary>
internal sealed class StructureValidator(string file, List<ProfileError> errors)
{
    private readonly List<object> _at = [];

    /// <summary>
    /// Where the unknown properties are (property names and array indices from the root): when they are the only
    /// problems, the loader drops them and still checks the rest, so a misspelt key does not hide other mistakes.
    /// </summary>
    public List<IReadOnlyList<object>> UnknownProperties { get; } = [];

    public void Validate(JsonElement element, Shape shape, string path)
    {
        switch (shape)
        {
            case ObjectShape o:
                ValidateObject(element, o, path);
                break;
            case MapShape m:
                ValidateMap(element, m, path);
                break;
            case ArrayShape a:
                ValidateArray(element, a, path);
                break;
            case StringShape s:
                ValidateString(element, s, path);
                break;
            case IntegerShape i:
                ValidateInteger(element, i, path);
                break;
            case NumberShape n:
                ValidateNumber(element, n, path);
                break;
            case BooleanShape:
                if (element.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    WrongType(element, shape, path);
                }

                break;
            default:
                throw new InvalidOperationException($"no validation for {shape.GetType().Name}");
        }
    }

    private void ValidateObject(JsonElement element, ObjectShape shape, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            WrongType(element, shape, path);
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            var at = Join(path, property.Name);
            if (!seen.Add(property.Name))
            {
                Add(at, $"appears twice in {shape.What}; give it once");
                continue;
            }

            var known = shape.Find(property.Name);
            if (known is null)
            {
                Add(at, $"is not a property of {shape.What}; allowed: {string.Join(", ", shape.Properties.Select(p => p.Name))}");
                UnknownProperties.Add([.. _at, property.Name]);
                continue;
            }

            Descend(property.Name, () => Validate(property.Value, known.Shape, at));
        }

        foreach (var missing in shape.Properties.Where(p => p.Required && !seen.Contains(p.Name)))
        {
            var required = string.Join(", ", shape.Properties.Where(p => p.Required).Select(p => p.Name));
            var allowed = missing.Shape is StringShape { Allowed: { } values } ? $"; allowed: {string.Join(", ", values)}" : $" ({missing.Shape.Expected})";
            Add(Join(path, missing.Name), $"is missing{allowed}; {shape.What} needs {required}");
        }
    }

    private void ValidateMap(JsonElement element, MapShape shape, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            WrongType(element, shape, path);
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            var at = Join(path, property.Name);
            if (!seen.Add(property.Name))
            {
                Add(at, "appears twice; give each key once");
            }
            else if (!shape.KeyPattern.IsMatch(property.Name))
            {
                Add(at, $"'{property.Name}' {shape.KeyHint}");
            }
            else
            {
                Descend(property.Name, () => Validate(property.Value, shape.Values, at));
            }
        }

        if (seen.Count < shape.MinEntries)
        {
            Add(path, $"has {seen.Count} entries; at least {shape.MinEntries} required");
        }
    }

    private void ValidateArray(JsonElement element, ArrayShape shape, string path)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            WrongType(element, shape, path);
            return;
        }

        var length = element.GetArrayLength();
        if (length < shape.MinItems)
        {
            Add(path, $"has {length} entries; at least {shape.MinItems} required");
        }

        var index = 0;
        var values = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in element.EnumerateArray())
        {
            var at = string.Create(CultureInfo.InvariantCulture, $"{path}[{index}]");
            Descend(index, () => Validate(item, shape.Items, at));
            if (shape.UniqueItems && item.ValueKind is JsonValueKind.String or JsonValueKind.Number && !values.Add(item.GetRawText()))
            {
                Add(at, $"{item.GetRawText().Replace('"', '\'')} appears twice in {path}; list each once");
            }

            index++;
        }
    }

    private void ValidateString(JsonElement element, StringShape shape, string path)
    {
        if (element.ValueKind != JsonValueKind.String)
        {
            WrongType(element, shape, path);
            return;
        }

        var value = element.GetString()!;
        if (shape.Allowed is { } allowed && !allowed.Contains(value, StringComparer.Ordinal))
        {
            Add(path, $"'{value}' is not {shape.AllowedName}; allowed: {string.Join(", ", allowed)}");
        }
        else if (shape.Pattern is { } pattern && !pattern.IsMatch(value))
        {
            Add(path, $"'{value}' {shape.PatternHint}");
        }
    }

    private void ValidateInteger(JsonElement element, IntegerShape shape, string path)
    {
        if (element.ValueKind != JsonValueKind.Number)
        {
            WrongType(element, shape, path);
            return;
        }

        if (!element.TryGetInt64(out var value))
        {
            Add(path, $"{element.GetRawText()} is not a whole number; expected an integer from {shape.Min} to {shape.Max}");
        }
        else if (shape.Allowed is { } allowed && !allowed.Contains((int)Math.Clamp(value, int.MinValue, int.MaxValue)))
        {
            Add(path, $"{value} is not allowed; allowed: {string.Join(", ", allowed)}");
        }
        else if (value < shape.Min || value > shape.Max)
        {
            Add(path, $"{value} is out of range; allowed: {shape.Min}..{shape.Max}");
        }
    }

    private void ValidateNumber(JsonElement element, NumberShape shape, string path)
    {
        if (element.ValueKind != JsonValueKind.Number)
        {
            WrongType(element, shape, path);
            return;
        }

        var value = element.GetDouble();
        if (value < shape.Min || value > shape.Max)
        {
            Add(path, string.Create(CultureInfo.InvariantCulture, $"{value} is out of range; allowed: {shape.Min}..{shape.Max}"));
        }
    }

    private void Descend(object step, Action validate)
    {
        _at.Add(step);
        validate();
        _at.RemoveAt(_at.Count - 1);
    }

    private void WrongType(JsonElement element, Shape shape, string path) =>
        Add(path, $"is {Describe(element)}; expected {shape.Expected}");

    private void Add(string path, string problem) => errors.Add(new ProfileError(file, path.Length == 0 ? "(document)" : path, problem));

    private static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"a string ('{element.GetString()}')",
        JsonValueKind.Number => $"a number ({element.GetRawText()})",
        JsonValueKind.True or JsonValueKind.False => $"a boolean ({element.GetRawText()})",
        JsonValueKind.Null => "null",
        _ => element.ValueKind.ToString(),
    };

    /// <summary>Appends a property to a JSON path: <c>sensors[2]</c> + <c>chip</c> = <c>sensors[2].chip</c>.</summary>
    internal static string Join(string path, string name)
    {
        var plain = name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '$');
        return plain ? (path.Length == 0 ? name : $"{path}.{name}") : $"{path}['{name.Replace("'", "\\'", StringComparison.Ordinal)}']";
    }
}
