namespace EdgeAgent.Inference.Onnx.Tests;

/// <summary>
/// Tests that run after all others, one at a time: those that count garbage collections or allocated bytes (other
/// tests running in parallel would move the count) and those that allocate heavily (they would move other tests').
/// </summary>
[CollectionDefinition(nameof(RunsAlone), DisableParallelization = true)]
public sealed class RunsAlone;
