using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

// baseline <model.onnx> [--exit]: loads the model into an InferenceSession (one intra-op thread, sequential, as an agent
// pipeline's session), runs it once on a constant input of its declared shape (dynamic dimensions as 1), prints
// "inference: <first output name> <element count>" and, without --exit, idles until SIGTERM or SIGINT (exit code 0).
if (args is not [var model, ..] || args.Skip(1).Any(a => a != "--exit"))
{
    await Console.Error.WriteLineAsync("usage: baseline <model.onnx> [--exit]").ConfigureAwait(false);
    return 2;
}

using var options = new SessionOptions
{
    IntraOpNumThreads = 1,
    InterOpNumThreads = 1,
    ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
    LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
};
using var session = new InferenceSession(model, options);
var inputs = session.InputMetadata
    .Select(input => NamedOnnxValue.CreateFromTensor(input.Key, Constant(input.Value)))
    .ToList();
using (var results = session.Run(inputs))
{
    var first = results[0];
    await Console.Out.WriteLineAsync($"inference: {first.Name} {first.AsTensor<float>().Length}").ConfigureAwait(false);
}

if (args.Contains("--exit"))
{
    return 0;
}

using var stop = new SemaphoreSlim(0);
using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
await stop.WaitAsync().ConfigureAwait(false);
GC.KeepAlive(session);
return 0;

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Release();
}

// Float inputs filled with 0.5 (the image tensor of blazeface).
static DenseTensor<float> Constant(NodeMetadata input)
{
    if (input.ElementType != typeof(float))
    {
        throw new NotSupportedException($"input of type {input.ElementType} (the baseline feeds float tensors only)");
    }

    var dimensions = input.Dimensions.Select(d => d > 0 ? d : 1).ToArray();
    var tensor = new DenseTensor<float>(dimensions);
    tensor.Fill(0.5f);
    return tensor;
}
