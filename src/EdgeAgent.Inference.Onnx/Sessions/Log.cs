using Microsoft.Extensions.Logging;

namespace EdgeAgent.Inference.Onnx.Sessions;

/// <summary>Log catalog of the ONNX Runtime adapter (event ids 3000-3099).</summary>
internal static partial class Log
{
    [LoggerMessage(3000, LogLevel.Information,
        "Loaded model {Model} (sha256 {Sha256}) with providers [{Providers}], {Threads} intra-op thread(s), optimisation {Optimisation}, arena {Arena}: load {LoadMs:F1} ms, warm-up {WarmupMs:F1} ms")]
    public static partial void ModelLoaded(ILogger logger, string model, string sha256, string providers, int threads, string optimisation, string arena, double loadMs, double warmupMs);

    [LoggerMessage(3001, LogLevel.Warning, "Execution provider {Provider} requested for model {Model} is not available in this build ({Reason}); falling back")]
    public static partial void ProviderUnavailable(ILogger logger, string provider, string model, string reason);

    [LoggerMessage(3002, LogLevel.Debug, "Model {Model}: output shapes depend on the data, outputs are allocated per call")]
    public static partial void DynamicOutputs(ILogger logger, string model);
}
