using EdgeAgent.Contracts.Catalog;

namespace EdgeAgent.Core.Catalog;

/// <summary>Compares the tensors a model file declares with what its catalog entry promises.</summary>
public static class SignatureCheck
{
    /// <summary>
    /// Every difference between <paramref name="expected"/> and <paramref name="actual"/>, each as a sentence naming
    /// the tensor, what the catalog expects and what the file has. Empty when they agree. A free dimension (-1) in
    /// the file matches only a free dimension in the catalog: a model that fixes or frees a dimension is a different
    /// model for the pipeline that feeds it.
    /// </summary>
    public static IReadOnlyList<string> Compare(string direction, IReadOnlyList<TensorSpec> expected, IReadOnlyList<TensorSpec> actual)
    {
        var problems = new List<string>();
        var byName = actual.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var want in expected)
        {
            if (!byName.Remove(want.Name, out var have))
            {
                problems.Add($"{direction} '{want.Name}' is missing; the file has {Describe(actual)}");
                continue;
            }

            if (!string.Equals(want.Type, have.Type, StringComparison.Ordinal))
            {
                problems.Add($"{direction} '{want.Name}' has element type {have.Type}; expected {want.Type}");
            }

            if (!want.Shape.SequenceEqual(have.Shape))
            {
                problems.Add($"{direction} '{want.Name}' has shape {Shape(have)}; expected {Shape(want)}");
            }
        }

        problems.AddRange(byName.Values.Select(extra => $"{direction} '{extra.Name}' is not in the catalog entry ({extra})"));
        return problems;
    }

    private static string Describe(IReadOnlyList<TensorSpec> tensors) =>
        tensors.Count == 0 ? "none" : string.Join(", ", tensors.Select(t => t.ToString()));

    private static string Shape(TensorSpec t) =>
        "[" + string.Join(',', t.Shape.Select(d => d < 0 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";
}
