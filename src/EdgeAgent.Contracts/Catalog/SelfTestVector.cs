using System.Text.Json.Serialization;

namespace EdgeAgent.Contracts.Catalog;

/// <summary>
/// A model's self-test: inputs generated deterministically from a short description (so the file stays small and
/// the same on every machine), and a fingerprint of the outputs the model must give for them: shape, mean, L2 norm
/// and values at evenly spaced positions, compared within <see cref="Tolerance"/>. Stored beside the catalog
/// (<c>models/selftest/{model}.json</c>) and run before a model is put into service.
/// </summary>
public sealed record SelfTestVector
{
    [JsonPropertyName("inputs")]
    public required IReadOnlyDictionary<string, SelfTestInput> Inputs { get; init; }

    /// <summary>Empty until <c>edgeagent models selftest --write</c> records what the model gives.</summary>
    [JsonPropertyName("expected")]
    public IReadOnlyDictionary<string, SelfTestExpectation> Expected { get; set; } = new Dictionary<string, SelfTestExpectation>();

    [JsonPropertyName("tolerance")]
    public required SelfTestTolerance Tolerance { get; init; }
}

/// <summary>How to make one input tensor.</summary>
public sealed record SelfTestInput
{
    /// <summary>The kinds of <see cref="Fill"/>.</summary>
    public static readonly IReadOnlyList<string> FillKinds = ["zeros", "values", "uniform", "sine"];

    [JsonPropertyName("shape")]
    public required IReadOnlyList<long> Shape { get; init; }

    /// <summary><c>zeros</c>; <c>values</c> (repeated to fill); <c>uniform</c> in [min, max) from <c>seed</c>; <c>sine</c> of <c>frequency</c> Hz at <c>sampleRate</c> with <c>amplitude</c>.</summary>
    [JsonPropertyName("fill")]
    public required string Fill { get; init; }

    [JsonPropertyName("values")]
    public IReadOnlyList<double> Values { get; set; } = [];

    [JsonPropertyName("seed")]
    public ulong Seed { get; set; }

    [JsonPropertyName("min")]
    public double Min { get; set; }

    [JsonPropertyName("max")]
    public double Max { get; set; } = 1;

    [JsonPropertyName("frequency")]
    public double Frequency { get; set; }

    [JsonPropertyName("amplitude")]
    public double Amplitude { get; set; } = 1;

    [JsonPropertyName("sampleRate")]
    public double SampleRate { get; set; } = 16000;
}

/// <summary>The fingerprint of one output tensor.</summary>
public sealed record SelfTestExpectation
{
    [JsonPropertyName("shape")]
    public required IReadOnlyList<long> Shape { get; init; }

    [JsonPropertyName("mean")]
    public required double Mean { get; init; }

    /// <summary>Square root of the sum of squares.</summary>
    [JsonPropertyName("l2")]
    public required double L2 { get; init; }

    /// <summary>[flat index, value] pairs at evenly spaced positions.</summary>
    [JsonPropertyName("samples")]
    public required IReadOnlyList<double[]> Samples { get; init; }
}

/// <summary>|actual - expected| must not exceed absolute + relative * |expected|.</summary>
public sealed record SelfTestTolerance
{
    [JsonPropertyName("absolute")]
    public required double Absolute { get; init; }

    [JsonPropertyName("relative")]
    public required double Relative { get; init; }
}
