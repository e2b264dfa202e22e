using System.Globalization;
using EdgeAgent.Contracts.Catalog;

namespace EdgeAgent.Core.Catalog;

/// <summary>
/// Makes a self-test's inputs and checks its outputs. Inputs come from a described fill and a SplitMix64 generator,
/// so every machine and architecture feeds the model the same bits.
/// </summary>
public static class SelfTestData
{
    /// <summary>Number of evenly spaced values recorded per output.</summary>
    public const int SampleCount = 32;

    public static void Fill(SelfTestInput input, Span<float> destination)
    {
        var rng = new SplitMix64(input.Seed);
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = (float)Value(input, i, ref rng);
        }
    }

    public static void Fill(SelfTestInput input, Span<long> destination)
    {
        var rng = new SplitMix64(input.Seed);
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = (long)Math.Round(Value(input, i, ref rng));
        }
    }

    /// <summary>The fingerprint of <paramref name="output"/>: shape, mean, L2 norm and <see cref="SampleCount"/> values.</summary>
    public static SelfTestExpectation Fingerprint(ReadOnlySpan<float> output, ReadOnlySpan<long> shape)
    {
        double sum = 0, squares = 0;
        foreach (var v in output)
        {
            sum += v;
            squares += (double)v * v;
        }

        var samples = new List<double[]>();
        var step = Math.Max(1, output.Length / SampleCount);
        for (var i = 0; i < output.Length && samples.Count < SampleCount; i += step)
        {
            samples.Add([i, output[i]]);
        }

        return new SelfTestExpectation
        {
            Shape = shape.ToArray(),
            Mean = output.Length == 0 ? 0 : sum / output.Length,
            L2 = Math.Sqrt(squares),
            Samples = samples,
        };
    }

    /// <summary>Every way <paramref name="output"/> differs from <paramref name="expected"/> beyond the tolerance.</summary>
    public static IReadOnlyList<string> Compare(
        string name, SelfTestExpectation expected, ReadOnlySpan<float> output, ReadOnlySpan<long> shape, SelfTestTolerance tolerance)
    {
        var problems = new List<string>();
        if (!shape.SequenceEqual(expected.Shape.ToArray()))
        {
            problems.Add($"self-test output '{name}' has shape [{string.Join(',', shape.ToArray())}]; expected [{string.Join(',', expected.Shape)}]");
            return problems;
        }

        var actual = Fingerprint(output, shape);
        Check("mean", expected.Mean, actual.Mean);
        Check("L2 norm", expected.L2, actual.L2);
        foreach (var sample in expected.Samples)
        {
            var index = (int)sample[0];
            Check(string.Create(CultureInfo.InvariantCulture, $"value [{index}]"), sample[1], output[index]);
        }

        return problems;

        void Check(string what, double want, double have)
        {
            if (Math.Abs(have - want) > tolerance.Absolute + (tolerance.Relative * Math.Abs(want)))
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture,
                    $"self-test output '{name}' {what} is {have:G7}; expected {want:G7} (tolerance {tolerance.Absolute:G3} + {tolerance.Relative:G3} x |expected|)"));
            }
        }
    }

    private static double Value(SelfTestInput input, int i, ref SplitMix64 rng) => input.Fill switch
    {
        "zeros" => 0,
        "values" => input.Values[i % input.Values.Count],
        "uniform" => input.Min + ((input.Max - input.Min) * rng.NextDouble()),
        "sine" => input.Amplitude * Math.Sin(2 * Math.PI * input.Frequency * i / input.SampleRate),
        _ => throw new ArgumentException($"unknown fill '{input.Fill}'; allowed: {string.Join(", ", SelfTestInput.FillKinds)}", nameof(input)),
    };

    /// <summary>SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and the same on every platform.</summary>
    private struct SplitMix64(ulong seed)
    {
        private ulong _state = seed;

        public double NextDouble()
        {
            var z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return (z >> 11) * (1.0 / (1UL << 53));
        }
    }
}
