using EdgeAgent.TestKit.IO;
using EdgeAgent.TestKit.Processes;

namespace EdgeAgent.Packaging.Tests.Arm64;

/// <summary>
/// The published linux-arm64 agent run the one way there is, <c>eng/arm64/run.sh</c> (QEMU user mode, the arm64
/// libraries of Debian's arm64 architecture, an ARM <c>/proc/cpuinfo</c> in a private mount namespace; root). Whether
/// this machine can run it is asked once, before any test needs it: <see cref="SkipUnlessReadyAsync"/> skips with the reason
/// and the remedy when it cannot (never passes silently); once it can, anything the agent or the script does wrong
/// fails the test.
/// </summary>
internal static class Arm64Stage
{
    /// <summary>The trait of this stage: <c>dotnet test --filter Category=Arm64</c> runs it alone.</summary>
    public const string Category = "Arm64";

    /// <summary>The exit code with which run.sh says it could not start the agent (the agent never uses it).</summary>
    public const int CouldNotStart = 125;

    /// <summary>
    /// One agent run under QEMU: seconds, not milliseconds (the JIT runs emulated). Generous, for a loaded 2-core CI
    /// machine; a run that takes longer is stuck, not slow.
    /// </summary>
    public static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(5);

    private static readonly Lazy<Task<string?>> LazyProblem = new(FindProblemAsync);

    public static string Script => RepositoryRoot.Combine("eng", "arm64", "run.sh");

    /// <summary>What run.sh runs; with NativeAOT or without, the published executable has this name.</summary>
    public static string Agent => Path.Combine(Shipped.PublishDirectory("linux-arm64", "edgeagent"), "edgeagent");

    /// <summary>Skips the calling test, naming what is missing and how to enable the stage, when it cannot run here.</summary>
    public static async Task SkipUnlessReadyAsync()
    {
        var problem = await LazyProblem.Value;
        Skip.If(problem is not null, problem);
    }

    /// <summary>Starts <c>edgeagent {arguments}</c> under QEMU; the process is the agent's (run.sh execs it).</summary>
    public static ChildProcess Start(IEnumerable<string> arguments) =>
        ChildProcess.StartExecutable(Script, arguments, "edgeagent (linux-arm64 under QEMU)", workingDirectory: RepositoryRoot.Path);

    /// <summary>Runs <c>edgeagent {arguments}</c> under QEMU to its end.</summary>
    public static async Task<AgentRun> RunAsync(params string[] arguments)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (code, output, error) = await ChildProcess.RunExecutableAsync(Script, arguments, "edgeagent (linux-arm64 under QEMU)", RunTimeout);
        var run = new AgentRun($"[arm64] edgeagent {string.Join(' ', arguments)}", code, output, error, clock.Elapsed);
        Assert.False(code == CouldNotStart, $"eng/arm64/run.sh could not start the agent although the stage was found ready: {error}");
        return run;
    }

    /// <summary>Runs <c>dotnet edgeagent.dll {arguments}</c>: the x64 build of the solution, the reference.</summary>
    public static async Task<AgentRun> RunX64Async(params string[] arguments)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (code, output, error) = await ChildProcess.RunAsync(Shipped.AgentDll, arguments, RunTimeout, workingDirectory: RepositoryRoot.Path);
        return new AgentRun($"[x64] edgeagent {string.Join(' ', arguments)}", code, output, error, clock.Elapsed);
    }

    /// <summary>
    /// Null when the stage can run here; otherwise what is missing and how to get it. run.sh --install-only checks
    /// root and the mount namespace and installs qemu-user-static and the arm64 libraries when missing (the Test
    /// target has run it already, so here it only checks); the published agent is the build's part.
    /// </summary>
    private static async Task<string?> FindProblemAsync()
    {
        const string Stage = "ARM64 stage NOT RUN (the linux-arm64 agent under QEMU against the x64 build)";
        if (!File.Exists(Agent))
        {
            return $"{Stage}: {Agent} is missing: the build did not publish the linux-arm64 agent. " +
                "Enable it: ./build.sh --target=PublishArm64 (the Test target does it), then run the tests again.";
        }

        var (code, _, error) = await ChildProcess.RunExecutableAsync(Script, ["--install-only"], "eng/arm64/run.sh --install-only", RunTimeout);
        return code switch
        {
            0 => null,
            CouldNotStart => $"{Stage}: {error.Trim()} Once fixed, `sudo eng/arm64/run.sh --install-only` says ready, and the stage runs (alone: ./build.sh --target=Arm64).",
            _ => throw new InvalidOperationException($"eng/arm64/run.sh --install-only exited with {code}, which it never should: {error}"),
        };
    }
}

/// <summary>One finished agent run: its command, exit code, standard output and error, and how long it took.</summary>
internal sealed record AgentRun(string Command, int ExitCode, string Output, string Error, TimeSpan Elapsed)
{
    /// <summary>Fails unless the run exited with 0, showing its error output.</summary>
    public AgentRun Succeeded()
    {
        Assert.True(ExitCode == 0, $"{Command} exited with {ExitCode}: {Error}");
        return this;
    }
}
