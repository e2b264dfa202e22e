using EdgeAgent.Device.Cli;

return await EdgeAgentCli.Build().Parse(args).InvokeAsync().ConfigureAwait(false);
