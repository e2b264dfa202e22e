using EdgeAgent.Sim.Cli;

// File modes of the private keys, setrlimit(2), /proc: the simulator runs on Linux, like the hub it loads.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

return await SimCli.Build().Parse(args).InvokeAsync().ConfigureAwait(false);
