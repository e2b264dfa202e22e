using EdgeAgent.Device.Cli;
using EdgeAgent.Device.Runtime;

// Before anything allocates native memory (ONNX Runtime, SkiaSharp, SQLite, OpenSSL): see NativeHeap.
NativeHeap.TuneProcess();
return await EdgeAgentCli.Build().Parse(args).InvokeAsync().ConfigureAwait(false);
