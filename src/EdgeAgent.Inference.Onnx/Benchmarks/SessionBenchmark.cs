using System.Diagnostics;
using EdgeAgent.Contracts.Catalog;
using EdgeAgent.Core.Catalog;
using EdgeAgent.Core.Inference;
using EdgeAgent.Inference.Onnx.Sessions;
using Microsoft.ML.OnnxRuntime;

namespace EdgeAgent.Inference.Onnx.Benchmarks;

/// <summary>Latency percentiles of one side of a benchmark, in milliseconds.</summary>
public sealed record LatencySummary(double P50, double P95, double P99, double Mean);

/// <summary>The agent's session against a plain ONNX Runtime loop on the same model, input and thread count.</summary>
public sealed record SessionBenchmarkResult(
    string Model,
    int Threads,
    int Iterations,
    LatencySummary Agent,
    LatencySummary Raw,
    double RatioP50,
    double RatioP95,
    int AgentGen0Collections,
    long AgentAllocatedBytes);

/// <summary>
/// Measures the steady-state call of <see cref="IInferenceSession"/> (write the input, run, read the output) against
/// the plainest fast ONNX Runtime C# loop: one <see cref="InferenceSession"/> built from the same options, input and
/// output <see cref="OrtValue"/>s created once over arrays, <c>Run(runOptions, names, values, names, values)</c> per
/// call. Both sides get the same bytes from the model's self-test vector. The two alternate in rounds so drift in the
/// machine's speed (other processes, thermal) falls on both equally; the ratio is agent ÷ raw.
/// </summary>
public static class SessionBenchmark
{
    /// <param name="loader">Builds the raw loop's session with the same options the agent's session was loaded with.</param>
    /// <param name="agent">The agent's session, loaded (and verified) by <paramref name="loader"/>.</param>
    /// <param name="modelPath">The verified model file the raw loop opens.</param>
    /// <param name="iterations">Measured calls per side.</param>
    /// <param name="progress">Optional progress, once per round.</param>
    public static SessionBenchmarkResult Run(
        OnnxModelLoader loader, IInferenceSession agent, string modelPath, int iterations, IProgress<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(agent);
        var entry = agent.Entry;
        var vector = entry.SelfTest ?? throw new InvalidOperationException($"model '{entry.Name}' has no self-test vector to benchmark with");
        using var raw = new RawLoop(loader, entry, modelPath, vector);
        var inputs = FirstInput(entry, vector);
        var shape = vector.Inputs[entry.Inputs[0].Name].Shape.ToArray();
        OnnxModelLoader.Feed(agent, vector);

        var warmup = Math.Max(50, iterations / 20);
        var agentTimes = new double[iterations];
        var rawTimes = new double[iterations];
        var round = 50; // short rounds: a change in the machine's speed lands on both sides
        var gen0 = 0;
        long allocated = 0;
        float sink = 0;

        for (var i = 0; i < warmup; i++)
        {
            sink += AgentCall(agent, shape, inputs) + raw.Call(inputs);
        }

        for (var done = 0; done < iterations; done += round)
        {
            var n = Math.Min(round, iterations - done);
            // Alternate which side goes first, so neither always runs on a cache the other warmed.
            var agentFirst = done / round % 2 == 0;
            if (!agentFirst)
            {
                sink += TimeRaw(raw, inputs, rawTimes.AsSpan(done, n));
            }

            var gcBefore = GC.CollectionCount(0);
            var allocBefore = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < n; i++)
            {
                var t = Stopwatch.GetTimestamp();
                sink += AgentCall(agent, shape, inputs);
                agentTimes[done + i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            }

            allocated += GC.GetAllocatedBytesForCurrentThread() - allocBefore;
            gen0 += GC.CollectionCount(0) - gcBefore;
            if (agentFirst)
            {
                sink += TimeRaw(raw, inputs, rawTimes.AsSpan(done, n));
            }

            progress?.Report($"{entry.Name}: {done + n}/{iterations}");
        }

        GC.KeepAlive(sink);
        var a = Summarise(agentTimes);
        var r = Summarise(rawTimes);
        return new SessionBenchmarkResult(entry.Name, loader.Options.IntraOpThreads, iterations, a, r, a.P50 / r.P50, a.P95 / r.P95, gen0, allocated);
    }

    private static float TimeRaw(RawLoop raw, float[] inputs, Span<double> times)
    {
        float sink = 0;
        for (var i = 0; i < times.Length; i++)
        {
            var t = Stopwatch.GetTimestamp();
            sink += raw.Call(inputs);
            times[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
        }

        return sink;
    }

    private static float AgentCall(IInferenceSession session, long[] shape, float[] input)
    {
        input.CopyTo(session.Input<float>(0, shape));
        session.Run();
        return session.Output<float>(0)[0];
    }

    private static float[] FirstInput(ModelEntry entry, SelfTestVector vector)
    {
        var input = vector.Inputs[entry.Inputs[0].Name];
        var data = new float[input.Shape.Aggregate(1L, (x, d) => x * d)];
        SelfTestData.Fill(input, data);
        return data;
    }

    private static LatencySummary Summarise(double[] times)
    {
        var sorted = times.Order().ToArray();
        double At(double q) => sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
        return new LatencySummary(At(0.50), At(0.95), At(0.99), sorted.Average());
    }

    /// <summary>The baseline: plain ONNX Runtime with OrtValues made once over arrays.</summary>
    private sealed class RawLoop : IDisposable
    {
        private readonly InferenceSession _session;
        private readonly RunOptions _runOptions = new();
        private readonly string[] _inputNames;
        private readonly string[] _outputNames;
        private readonly OrtValue[] _inputs;
        private readonly OrtValue[] _outputs;
        private readonly float[] _firstInput;
        private readonly float[] _firstOutput;

        public RawLoop(OnnxModelLoader loader, ModelEntry entry, string path, SelfTestVector vector)
        {
            using (var options = loader.CreateSessionOptions(entry.Name, out _))
            {
                _session = new InferenceSession(path, options);
            }

            _inputNames = [.. entry.Inputs.Select(i => i.Name)];
            _outputNames = [.. entry.Outputs.Select(o => o.Name)];
            _inputs = new OrtValue[_inputNames.Length];
            _firstInput = [];
            for (var i = 0; i < _inputs.Length; i++)
            {
                var input = vector.Inputs[_inputNames[i]];
                var shape = input.Shape.ToArray();
                var count = (int)shape.Aggregate(1L, (x, d) => x * d);
                if (entry.Inputs[i].Type == "int64")
                {
                    var data = new long[count];
                    SelfTestData.Fill(input, data);
                    _inputs[i] = OrtValue.CreateTensorValueFromMemory(data, shape);
                }
                else
                {
                    var data = new float[count];
                    SelfTestData.Fill(input, data);
                    _inputs[i] = OrtValue.CreateTensorValueFromMemory(data, shape);
                    _firstInput = i == 0 ? data : _firstInput;
                }
            }

            // Learn the output shapes once, then run into outputs allocated up front, as a careful hand-written loop does.
            using var learned = _session.Run(_runOptions, _inputNames, _inputs, _outputNames);
            _outputs = new OrtValue[_outputNames.Length];
            _firstOutput = [];
            for (var o = 0; o < _outputs.Length; o++)
            {
                var shape = learned[o].GetTensorTypeAndShape().Shape;
                var data = new float[learned[o].GetTensorTypeAndShape().ElementCount];
                _outputs[o] = OrtValue.CreateTensorValueFromMemory(data, shape);
                _firstOutput = o == 0 ? data : _firstOutput;
            }
        }

        public float Call(float[] input)
        {
            input.CopyTo(_firstInput, 0);
            _session.Run(_runOptions, _inputNames, _inputs, _outputNames, _outputs);
            return _firstOutput[0];
        }

        public void Dispose()
        {
            foreach (var v in _inputs.Concat(_outputs))
            {
                v.Dispose();
            }

            _runOptions.Dispose();
            _session.Dispose();
        }
    }
}
