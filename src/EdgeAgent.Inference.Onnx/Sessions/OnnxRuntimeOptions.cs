using System.ComponentModel.DataAnnotations;

namespace EdgeAgent.Inference.Onnx.Sessions;

/// <summary>How ONNX Runtime sessions are built; bound from the <c>Inference</c> section and the board profile.</summary>
public sealed class OnnxRuntimeOptions
{
    public const string Section = "Inference";

    /// <summary>Threads one inference may use (intra-op). 0 lets ONNX Runtime choose (one per physical core).</summary>
    [Range(0, 256)]
    public int IntraOpThreads { get; set; }

    /// <summary>Graph optimisation: <c>disabled</c>, <c>basic</c>, <c>extended</c> or <c>all</c>.</summary>
    [RegularExpression("^(disabled|basic|extended|all)$", ErrorMessage = "Inference:GraphOptimization must be one of disabled, basic, extended, all")]
    public string GraphOptimization { get; set; } = "all";

    /// <summary>
    /// ONNX Runtime's CPU memory arena, one for the process (<see cref="SharedCpuArena"/>): faster steady state, holds
    /// memory between calls. Without it the agent measured worse, not better: 117 MB against 87 MB resident with blazeface.
    /// </summary>
    public bool EnableCpuArena { get; set; } = true;

    /// <summary>
    /// Execution providers to try, in order of preference (for example <c>xnnpack</c>, <c>cuda</c>). CPU is always
    /// present as the last fallback whether listed or not; a provider this build lacks is logged and skipped.
    /// </summary>
    public IList<string> ExecutionProviders { get; init; } = ["cpu"];
}
