using System.CommandLine;
using EdgeAgent.Hub.Cli;

namespace EdgeAgent.Hub.Tests.Support;

/// <summary>Runs the real <c>edgehub</c> command line in-process and captures what it prints.</summary>
internal static class HubCliRunner
{
    public static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await HubCli.Build().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }
}
