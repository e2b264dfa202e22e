using System.Diagnostics;
using System.Text.Json.Serialization;
using EdgeAgent.Contracts.Catalog;
using EdgeAgent.Core.Pipelines;
using EdgeAgent.Inference.Onnx.Sessions;

namespace EdgeAgent.Inference.Onnx.Benchmarks;

/// <summary>What <c>edgeagent bench swap</c> measured.</summary>
/// <param name="SteadyP99Ms">p99 latency of the calls that overlapped no swap window.</param>
/// <param name="SwapMaxMs">The worst latency of a call that overlapped a swap window (staging the standby session, the swap, then 100 ms).</param>
/// <param name="SwapMaxPerSwapMs">The worst call of each swap window.</param>
/// <param name="StageMs">Median time to load, verify and self-test the standby session (it runs beside the calls).</param>
public sealed record SwapBenchmarkResult(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("rate_per_s")] double Rate,
    [property: JsonPropertyName("achieved_per_s")] double Achieved,
    [property: JsonPropertyName("calls")] int Calls,
    [property: JsonPropertyName("failed")] int Failed,
    [property: JsonPropertyName("swaps")] int Swaps,
    [property: JsonPropertyName("steady_p50_ms")] double SteadyP50Ms,
    [property: JsonPropertyName("steady_p99_ms")] double SteadyP99Ms,
    [property: JsonPropertyName("swap_max_ms")] double SwapMaxMs,
    [property: JsonPropertyName("swap_max_over_steady_p99")] double Ratio,
    [property: JsonPropertyName("swap_max_per_swap_ms")] IReadOnlyList<double> SwapMaxPerSwapMs,
    [property: JsonPropertyName("stage_ms")] double StageMs);

/// <summary>
/// The hot swap under load on this machine: one caller thread runs the model at a fixed rate (the self-test inputs, the
/// agent's own <see cref="SwappableSession"/>), while the main thread, once a second, stages a standby session of the
/// same model as an update does (load, signature check, self-test) and swaps it in. Calls that overlap a swap window
/// (from the start of staging to 100 ms after the swap) are compared with the calls that overlap none, in the same run.
/// </summary>
public static class SwapBenchmark
{
    private static readonly TimeSpan AfterSwap = TimeSpan.FromMilliseconds(100);

    public static async Task<SwapBenchmarkResult> RunAsync(OnnxModelLoader loader, ModelEntry entry, string modelPath, double rate, int swaps, TimeProvider time, TextWriter progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(loader);
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(progress);
        var vector = entry.SelfTest ?? throw new ArgumentException($"model {entry.Name} has no self-test vector to feed", nameof(entry));
        using var slot = new SwappableSession(loader.Load(entry, modelPath), new ModelUsage(entry.Name), "0");
        var calls = new List<(long Start, long End, bool Ok)>(capacity: (int)(rate * (swaps + 3)));
        using var stop = new ManualResetEventSlim();
        var period = Stopwatch.Frequency / rate;
        var caller = new Thread(() =>
        {
            var first = Stopwatch.GetTimestamp();
            for (long n = 0; !stop.IsSet; n++)
            {
                var due = first + (long)(n * period);
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                if (wait > TimeSpan.Zero && stop.Wait(wait))
                {
                    break;
                }

                var start = Stopwatch.GetTimestamp();
                var ok = true;
                try
                {
                    OnnxModelLoader.Feed(slot, vector);
                    slot.Run();
                    _ = slot.Output<float>(0)[0];
                }
                catch (Exception e) when (e is Core.Inference.InferenceException or ObjectDisposedException or InvalidOperationException)
                {
                    ok = false;
                }

                calls.Add((start, Stopwatch.GetTimestamp(), ok));
            }
        })
        { IsBackground = true, Name = "bench-swap-caller" };

        var windows = new List<(long From, long To)>();
        var stages = new List<double>();
        var began = Stopwatch.GetTimestamp();
        caller.Start();
        try
        {
            await SwapEverySecondAsync().ConfigureAwait(false);
        }
        finally
        {
            stop.Set();
            caller.Join();
        }

        async Task SwapEverySecondAsync()
        {
            await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken).ConfigureAwait(false); // steady state first
            for (var i = 1; i <= swaps; i++)
            {
                var from = Stopwatch.GetTimestamp();
                var standby = loader.Load(entry, modelPath);
                stages.Add(Stopwatch.GetElapsedTime(from).TotalMilliseconds);
                slot.Swap(standby, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                var to = Stopwatch.GetTimestamp() + (long)(AfterSwap.TotalSeconds * Stopwatch.Frequency);
                windows.Add((from, to));
                progress.WriteLine($"swap {i}/{swaps}: standby staged in {stages[^1]:F1} ms and swapped in");
                await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken).ConfigureAwait(false);
            }
        }

        var seconds = Stopwatch.GetElapsedTime(began).TotalSeconds;
        double Ms((long Start, long End, bool Ok) c) => Stopwatch.GetElapsedTime(c.Start, c.End).TotalMilliseconds;
        bool Overlaps((long Start, long End, bool Ok) c, (long From, long To) w) => c.Start <= w.To && c.End >= w.From;
        var steady = calls.Where(c => c.Ok && !windows.Any(w => Overlaps(c, w))).Select(Ms).Order().ToList();
        var perSwap = windows.Select(w => calls.Where(c => Overlaps(c, w)).Select(Ms).DefaultIfEmpty(0).Max()).Select(m => Math.Round(m, 3)).ToList();
        double Quantile(List<double> sorted, double q) => sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];
        var p99 = Quantile(steady, 0.99);
        var max = perSwap.DefaultIfEmpty(0).Max();
        stages.Sort();
        return new SwapBenchmarkResult(
            entry.Name, rate, Math.Round(calls.Count / seconds, 1), calls.Count, calls.Count(c => !c.Ok), swaps,
            Math.Round(Quantile(steady, 0.50), 3), Math.Round(p99, 3), max, p99 > 0 ? Math.Round(max / p99, 2) : 0, perSwap, Math.Round(stages[stages.Count / 2], 1));
    }
}
