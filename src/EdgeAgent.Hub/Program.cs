using System.CommandLine;

var root = new RootCommand(
    "edgehub: the EdgeAgent city hub (MQTT broker, verified ingestion, device and model registry, evidence reports, " +
    "dashboard). Its verbs arrive with the evidence pipeline; today it only answers --help and --version.");
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
