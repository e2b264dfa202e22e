using EdgeAgent.Hub.Cli;

return await HubCli.Build().Parse(args).InvokeAsync().ConfigureAwait(false);
