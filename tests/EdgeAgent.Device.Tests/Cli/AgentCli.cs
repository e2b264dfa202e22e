using System.CommandLine;
using EdgeAgent.Device.Cli;

namespace EdgeAgent.Device.Tests.Cli;

/// <summary>Runs <c>edgeagent</c> in-process as a user would, capturing its exit code, standard output and error.</summary>
internal static class AgentCli
{
    public static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await EdgeAgentCli.Build().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }
}
