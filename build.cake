// EdgeAgent build. Run through ./build.sh; `./build.sh --target=Help` lists targets and arguments.
using System.Text.Json;
using System.Xml.Linq;

// The Debian packages (Package, PackageAmd64): their own file, so this one stays about the build.
#load "eng/deb/packages.cake"

// ---------------------------------------------------------------------------------------------------------
// Arguments: each is declared once here; Help prints this list.
// ---------------------------------------------------------------------------------------------------------

var arguments = new List<(string Name, string Default, string Help)>();

string Arg(string name, string defaultValue, string help, params string[] allowed)
{
    arguments.Add((name, defaultValue, allowed.Length > 0 ? $"{help} One of: {string.Join(", ", allowed)}." : help));
    var value = Argument(name, defaultValue);
    if (allowed.Length > 0 && !allowed.Contains(value, StringComparer.Ordinal))
    {
        throw new CakeException($"--{name}={value} is not supported; allowed values: {string.Join(", ", allowed)}.");
    }

    return value;
}

var target = Arg("target", "Help", "The target to run.");
var configuration = Arg("configuration", "Release", "Build configuration.", "Release", "Debug");
var runtime = Arg("runtime", "linux-x64", "Runtime identifier for Publish.", "linux-x64", "linux-arm64");
// The fleet soak (Soak; Bench runs it with its shorter default): edgesim against the embedded hub.
var soakDevices = int.Parse(Arg("soak-devices", "10000", "Soak/Bench: virtual devices (edgesim), each with its own MQTT connection."), System.Globalization.CultureInfo.InvariantCulture);
var soakRate = double.Parse(Arg("soak-rate", "1", "Soak/Bench: records per second per device."), System.Globalization.CultureInfo.InvariantCulture);
var soakMinutes = double.Parse(Arg("soak-minutes", target.Equals("Soak", StringComparison.OrdinalIgnoreCase) ? "10" : "3", "Soak/Bench: minutes of record making, the ramp included (Soak default 10, Bench 3)."), System.Globalization.CultureInfo.InvariantCulture);
var soakRamp = double.Parse(Arg("soak-ramp", "60", "Soak/Bench: seconds over which the devices connect."), System.Globalization.CultureInfo.InvariantCulture);
// The scale-out soak (Soak and Bench run it after the embedded one): the same fleet on Mosquitto (hardware/city-scale/mosquitto.conf)
// and a private PostgreSQL, with 1 worker, with 2, and with 2 of which one is SIGKILLed half way (exact count check).
var soakScaleOut = Arg("soak-scaleout", "true", "Soak/Bench: also run the scale-out hub (Mosquitto + PostgreSQL + edgehub serve --store workers): true or false.") == "true";
var soakScaleOutMinutes = double.Parse(Arg("soak-scaleout-minutes", "2", "Soak/Bench: minutes of record making of each of the three scale-out runs (1 worker, 2 workers, 2 with one killed)."), System.Globalization.CultureInfo.InvariantCulture);
var fuzzSeconds = Arg("fuzz-seconds", "300", "Fuzz: seconds of afl-fuzz per target.");
var fuzzTarget = Arg("fuzz-target", "all", "Fuzz: the target to fuzz.", "all", "batch", "csv", "link");

// Bench measures Release builds only; refuse before building anything.
if (target.Equals("Bench", StringComparison.OrdinalIgnoreCase) && configuration != "Release")
{
    throw new CakeException($"Bench measures Release builds only; run it without --configuration={configuration}.");
}

// ---------------------------------------------------------------------------------------------------------
// Paths and system packages
// ---------------------------------------------------------------------------------------------------------

var repoRoot = MakeAbsolute(Directory("."));
var solution = "EdgeAgent.sln";
var artifacts = repoRoot.Combine("artifacts");
var testResults = artifacts.Combine("test-results");
var demoReport = artifacts.Combine("demo").CombineWithFilePath("report.txt");
var benchOutput = File("artifacts/bench/inference.json");
var arm64Runner = repoRoot.CombineWithFilePath("eng/arm64/run.sh");
string AgentDll(string config) => $"src/EdgeAgent.Device/bin/{config}/net10.0/edgeagent.dll";
string HubDll(string config) => $"src/EdgeAgent.Hub/bin/{config}/net10.0/edgehub.dll";
// Many real agents in one process (tests/EdgeAgent.Device.FleetHost): the rollout benchmark's and the demo's fleet.
string FleetDll(string config) => $"tests/EdgeAgent.Device.FleetHost/bin/{config}/net10.0/EdgeAgent.Device.FleetHost.dll";
// The fleet simulator (src/EdgeAgent.Sim): virtual devices in one process, for the soak and the demo's fleet phase.
string SimDll(string config) => $"src/EdgeAgent.Sim/bin/{config}/net10.0/edgesim.dll";

// Debian packages the test suite needs besides node/npm (Test gets those through Models' EnsureNode) and the ARM64
// stage's (qemu-user-static and the arm64 libraries, which eng/arm64/run.sh --install-only installs).
// chromium prints the hub's PDF reports (edgehub report --format pdf)
// and runs the dashboard's headless-browser test (Playwright for .NET drives /usr/bin/chromium; screenshots in artifacts/test/).
// dbus-daemon: a private bus daemon stands in for the system bus in the sleep watcher tests (logind's PrepareForSleep, a fake logind).
// iproute2 and faketime: the fault suite's network namespace and clock jumps (tests/EdgeAgent.EndToEnd.Tests/Faults).
// postgresql: the scale-out hub's store tests (a private cluster made by initdb and pg_ctl, TestKit PostgresServer).
// afl++: afl-fuzz for the short fuzzing runs of tests/EdgeAgent.Fuzz.Tests (and the Fuzz target).
var testSystemPackages = new[] { "espeak-ng", "mosquitto", "chromium", "libasound2", "dbus-daemon", "iproute2", "faketime", "afl++", "postgresql" };

// ---------------------------------------------------------------------------------------------------------
// DEMO STATUS: what the demo cannot show yet. Replace entries here as each capability lands.
// ---------------------------------------------------------------------------------------------------------

var notBuiltYet = new[]
{
    "live camera and microphone sources (the terminals replay recorded traces of them)",
    "companion button presses and board suspensions (each terminal runs the simulated companion: its link, its LED showing the status, standby accounting; nothing presses its buttons or suspends a board: tests/EdgeAgent.Device.Tests CompanionRunTests does)",
    "packages and ARM64 are not run by the demo: ./build.sh --target=Package (the .debs), --target=Arm64 (the agent under QEMU)",
};

// ---------------------------------------------------------------------------------------------------------
// Targets
// ---------------------------------------------------------------------------------------------------------

Task("Help")
    .Description("List the targets and arguments.")
    .Does(() => PrintHelp());

Task("Clean")
    .Description("Delete artifacts/ and every project's bin/ and obj/.")
    .Does(() =>
    {
        var doomed = GetDirectories("./src/*/bin") + GetDirectories("./src/*/obj")
            + GetDirectories("./tests/*/bin") + GetDirectories("./tests/*/obj");
        doomed.Add(artifacts);
        DeleteDirectories(doomed.Where(DirectoryExists), new DeleteDirectorySettings { Recursive = true, Force = true });
    });

Task("Build")
    .Description("Build EdgeAgent.sln (--configuration, default Release).")
    .Does(() => DotNetBuild(solution, new DotNetBuildSettings { Configuration = configuration, NoLogo = true }));

Task("Models")
    .Description("Install node/npm if missing, then fetch and verify every catalog model with the built agent.")
    .IsDependentOn("Build")
    .Does(() =>
    {
        EnsureNode();
        RequireSuccess(RunAgent("models fetch"));
        RequireSuccess(RunAgent("models verify"));
    });

Task("Test")
    .Description("Run every test except Category=Hardware; the last line is 'N passed, N failed, N skipped'.")
    .IsDependentOn("Build")
    .IsDependentOn("Models")
    .IsDependentOn("PublishArm64")
    // The package tests (tests/EdgeAgent.Packaging.Tests/Debian) install the amd64 .debs into a debootstrap root.
    .IsDependentOn("PackageAmd64")
    .Does(() =>
    {
        EnsureAptPackages("the test suite", testSystemPackages);
        // The ARM64 stage's packages, installed before the tests so that their time is not the tests'; a machine that
        // cannot run the stage is told so here and the stage's tests skip, saying why.
        PrepareArm64(requireIt: false);
        // Tests take some inputs out of Debian packages with `apt-get download` (a face photograph, a CJK font),
        // which needs the package lists even when nothing had to be installed.
        EnsureAptLists();
        EnsureDirectoryDoesNotExist(testResults, new DeleteDirectorySettings { Recursive = true, Force = true });

        var exitCode = 0;
        DotNetTest(solution, new DotNetTestSettings
        {
            Configuration = configuration,
            NoBuild = true,
            NoLogo = true,
            Filter = "Category!=Hardware",
            Loggers = new[] { "trx" },
            ResultsDirectory = testResults,
            // Failures are judged from the trx files below, so they are listed before the build stops.
            HandleExitCode = code => { exitCode = code; return true; },
        });

        testSummary = TestSummary.Read(GetFiles($"{testResults}/**/*.trx").Select(f => f.FullPath));
        foreach (var failure in testSummary.Failures)
        {
            Error($"FAILED {failure}");
        }

        foreach (var skip in SkippedTests(GetFiles($"{testResults}/**/*.trx").Select(f => f.FullPath)))
        {
            Warning($"SKIPPED {skip}");
        }

        var problems = new[]
        {
            testSummary.Failed > 0 ? $"{testSummary.Failed} test(s) failed" : null,
            testSummary.Files == 0 ? $"no tests ran: dotnet test wrote no .trx file to {testResults}" : null,
            testSummary.Files > 0 && testSummary.Total == 0 ? "no tests ran: no test matches Category!=Hardware" : null,
            exitCode != 0 ? $"dotnet test exited with code {exitCode}" : null,
        }.Where(p => p is not null).ToList();
        if (problems.Count > 0)
        {
            throw new CakeException(string.Join("; ", problems));
        }
    });

Task("Demo")
    .Description("A pilot site on this machine: edgehub with its embedded broker and SQLite, three simulated terminals running the real models on sample inputs, records flowing; then 200 virtual devices of edgesim for 20 s with faults; writes artifacts/demo/report.txt.")
    .IsDependentOn("Build")
    .IsDependentOn("Models")
    .Does(() =>
    {
        var inputs = DemoInputs();
        var runs = new List<AgentRun>
        {
            RunAgent("models list"),
            RunAgent("models verify"),
            RunAgent($"infer --model silero-vad --input {inputs.CombineWithFilePath("speech.wav")}"),
            RunAgent($"infer --model blazeface --input {inputs} --format text"),
            RunAgent($"infer --model ppocr --input {inputs.CombineWithFilePath("bw_text.png")} --format text"),
        };
        foreach (var run in runs)
        {
            RequireSuccess(run);
        }

        var site = RunDemoSite(inputs, runs);
        var fleet = RunDemoFleet(runs);
        WriteDemoReport(runs, site.Concat(fleet).ToList());
    });

Task("Fuzz")
    .Description("afl-fuzz (Debian afl++, installed if missing) on the harness tests/EdgeAgent.Fuzz, its product assemblies instrumented by the pinned sharpfuzz: --fuzz-seconds per target (default 300), --fuzz-target batch|csv|link (default all); prints execs, execs/s, corpus, crashes and hangs per target; fails on any finding (copied to artifacts/fuzz/findings with how to replay it).")
    .Does(() =>
    {
        EnsureAptPackages("fuzzing with afl-fuzz", "afl++");
        var harness = "tests/EdgeAgent.Fuzz/EdgeAgent.Fuzz.csproj";
        DotNetBuild(harness, new DotNetBuildSettings { Configuration = configuration, NoLogo = true });
        var targets = fuzzTarget == "all" ? "batch,csv,link" : fuzzTarget;
        var run = RunProgram("EdgeAgent.Fuzz", $"tests/EdgeAgent.Fuzz/bin/{configuration}/net10.0/EdgeAgent.Fuzz.dll",
            $"campaign --targets {targets} --seconds {fuzzSeconds} --out {artifacts.Combine("fuzz")} --repo {repoRoot}");
        if (run.ExitCode == 1)
        {
            throw new CakeException($"fuzzing found crashes or hangs; they are in {artifacts.Combine("fuzz/findings")} with REPRODUCE.txt");
        }

        RequireSuccess(run);
    });

Task("Bench")
    .Description("Measure (Release only): model inference (`edgeagent bench`), the published agent's footprint (as BenchFootprint), hub verification plus storage (`edgehub bench`), the evidence path end to end against a raw MQTTnet loop on the embedded broker and on Mosquitto (`edgeagent bench evidence`), the hot swap against the steady p99 (`edgeagent bench swap`), a rollout to 100 loopback agents, and an idle agent's CPU; writes artifacts/bench/*.json and prints a summary.")
    .IsDependentOn("Build")
    .IsDependentOn("Models")
    .Does(() =>
    {
        EnsureAptPackages("the evidence benchmark on Mosquitto", "mosquitto");
        EnsureDirectoryExists(benchOutput.Path.GetDirectory());
        RequireSuccess(RunAgent($"bench --model silero-vad --model blazeface --out {benchOutput}"));
        Information(System.IO.File.ReadAllText(MakeAbsolute(benchOutput).FullPath));

        var bench = artifacts.Combine("bench");
        RequireSuccess(RunHub($"bench --records 20000 --batch 500 --group 8 --out {bench.CombineWithFilePath("hub-ingest.json")}"));
        RunEvidenceBench("embedded", useMosquitto: false);
        RunEvidenceBench("mosquitto", useMosquitto: true);
        RequireSuccess(RunAgent($"bench swap --model silero-vad --rate 200 --swaps 20 --out {bench.CombineWithFilePath("swap.json")}"));
        RunRolloutBench(100);
        var idle = MeasureIdleCpu(TimeSpan.FromSeconds(60));
        System.IO.File.WriteAllText(bench.CombineWithFilePath("idle-cpu.json").FullPath, JsonSerializer.Serialize(idle, new JsonSerializerOptions { WriteIndented = true }));
        RunFootprintBench();
        RunSoak(EmbeddedSoakHub(), soakDevices, soakRate, soakMinutes, soakRamp);
        if (soakScaleOut)
        {
            RunScaleOutSoak(soakDevices, soakRate, soakScaleOutMinutes, soakRamp);
        }

        PrintBenchSummary(bench);
        PrintFootprintSummary();
        PrintSoakSummary(bench.CombineWithFilePath("soak-embedded.json"));
        PrintScaleOutSummary(bench.CombineWithFilePath("soak-scaleout.json"));
    });

Task("Soak")
    .Description("The fleet soak alone (Bench runs it too, 3 minutes): --soak-devices (10000) virtual devices of edgesim, --soak-rate (1) records/s each, for --soak-minutes (10) with a --soak-ramp (60 s) of connections, against the embedded hub (edgehub serve: MQTTnet broker + SQLite) started by the build, then (--soak-scaleout true) against the scale-out hub (Mosquitto with hardware/city-scale/mosquitto.conf, a private PostgreSQL, edgehub serve --store workers) for --soak-scaleout-minutes (2) each with 1 worker, 2 workers, and 2 of which one is SIGKILLed half way; connections held, records/s the hub stored (from its store), p99 record -> acknowledgement and the hub's resident memory over the run; writes artifacts/bench/soak-embedded.json and soak-scaleout.json.")
    .IsDependentOn("Build")
    .Does(() =>
    {
        RunSoak(EmbeddedSoakHub(), soakDevices, soakRate, soakMinutes, soakRamp);
        if (soakScaleOut)
        {
            RunScaleOutSoak(soakDevices, soakRate, soakScaleOutMinutes, soakRamp);
        }

        PrintSoakSummary(artifacts.Combine("bench").CombineWithFilePath("soak-embedded.json"));
        PrintScaleOutSummary(artifacts.Combine("bench").CombineWithFilePath("soak-scaleout.json"));
    });

Task("BenchFootprint")
    .Description("The published (NativeAOT) x64 agent's footprint, alone (Bench runs it too): resident memory idle, with blazeface and with every catalog model, start to first inference, package and publish sizes, beside a plain ONNX Runtime program measured in the same run; writes artifacts/bench/footprint.json.")
    .IsDependentOn("Build")
    .IsDependentOn("Models")
    .Does(() =>
    {
        RunFootprintBench();
        PrintFootprintSummary();
    });

Task("Publish")
    .Description("edgeagent (NativeAOT) and edgehub (self-contained) for --runtime (linux-x64 or linux-arm64) under artifacts/publish/; installs clang (and lld and Debian's arm64 libc for linux-arm64) with apt when missing.")
    .Does(() =>
    {
        var agent = PublishApp("src/EdgeAgent.Device", "edgeagent");
        var hub = PublishApp("src/EdgeAgent.Hub", "edgehub");
        Information($"publish times ({runtime}): edgeagent {agent.TotalSeconds:F0} s, edgehub {hub.TotalSeconds:F0} s");
    });

Task("PublishArm64")
    .Description("Self-contained edgeagent for linux-arm64 under artifacts/publish/linux-arm64/edgeagent (what the ARM64 stage and the arm64 package ship).")
    .Does(() =>
    {
        // A failure here fails Test: the arm64 build is what ships. Only a machine that cannot run it (PrepareArm64) skips the stage.
        PublishApp("src/EdgeAgent.Device", "edgeagent", "linux-arm64");
    });

Task("Arm64")
    .Description("The ARM64 stage of Test alone (root): the linux-arm64 agent under QEMU (eng/arm64/run.sh) gives the x64 build's infer results on every catalog model and delivers verified records to an x64 hub. Fails if it cannot run here.")
    .IsDependentOn("Models")
    .IsDependentOn("PublishArm64")
    .Does(() =>
    {
        PrepareArm64(requireIt: true);
        var results = testResults.Combine("arm64");
        EnsureDirectoryDoesNotExist(results, new DeleteDirectorySettings { Recursive = true, Force = true });
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var exitCode = 0;
        DotNetTest("tests/EdgeAgent.Packaging.Tests", new DotNetTestSettings
        {
            Configuration = configuration,
            NoBuild = true,
            NoLogo = true,
            Filter = "Category=Arm64",
            Loggers = new[] { "trx", "console;verbosity=normal" },
            ResultsDirectory = results,
            HandleExitCode = code => { exitCode = code; return true; },
        });
        watch.Stop();

        var trx = GetFiles($"{results}/**/*.trx").Select(f => f.FullPath).ToList();
        var summary = TestSummary.Read(trx);
        var skipped = SkippedTests(trx);
        foreach (var failure in summary.Failures)
        {
            Error($"FAILED {failure}");
        }

        foreach (var skip in skipped)
        {
            Error($"SKIPPED {skip}");
        }

        Information($"ARM64 stage: {summary.ClosingLine} in {watch.Elapsed.TotalSeconds:F0} s");
        if (summary.Failed > 0 || skipped.Count > 0 || summary.Passed == 0 || exitCode != 0)
        {
            throw new CakeException($"the ARM64 stage did not pass: {summary.ClosingLine}, dotnet test exit code {exitCode}");
        }
    });

// ---------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------

void PrintHelp()
{
    Information("Usage: ./build.sh --target=<target> [--<argument>=<value> ...]");
    Information("");
    Information("Targets:");
    foreach (var task in Tasks)
    {
        var needs = task.Dependencies.Count == 0 ? "" : $" (runs {string.Join(", ", task.Dependencies.Select(d => d.Name))} first)";
        Information($"  {task.Name,-10} {task.Description}{needs}");
    }

    Information("");
    Information("Arguments:");
    foreach (var (name, defaultValue, help) in arguments)
    {
        Information($"  --{name,-15} {help} Default: {defaultValue}.");
    }
}

sealed record AgentRun(string Command, int ExitCode, IReadOnlyList<string> Output, IReadOnlyList<string> Errors);

// Runs the built agent from the repository root (its default catalog path is relative), echoing and keeping its output.
AgentRun RunAgent(string agentArguments) => RunProgram("edgeagent", AgentDll(configuration), agentArguments);

AgentRun RunHub(string hubArguments) => RunProgram("edgehub", HubDll(configuration), hubArguments);

AgentRun RunProgram(string name, string dll, string agentArguments)
{
    if (!FileExists(dll))
    {
        throw new CakeException($"{dll} is missing; run the Build target with --configuration={configuration}.");
    }

    return RunEchoed(name, "dotnet", $"{dll} ", agentArguments);
}

// Runs executable with launcherArguments + programArguments from the repository root, echoing and keeping its output;
// the command is named as `name programArguments` (what a user would type).
AgentRun RunEchoed(string name, string executable, string launcherArguments, string programArguments)
{
    var output = new List<string>();
    var errors = new List<string>();
    var command = $"{name} {programArguments}";
    Information($"> {command}");
    var exitCode = StartProcess(executable, new ProcessSettings
    {
        Arguments = launcherArguments + programArguments,
        WorkingDirectory = repoRoot,
        RedirectStandardOutput = true,
        RedirectStandardError = true,
        RedirectedStandardOutputHandler = line => Echo(line, output, Console.Out),
        RedirectedStandardErrorHandler = line => Echo(line, errors, Console.Error),
    });
    return new AgentRun(command, exitCode, output, errors);
}

string Echo(string line, List<string> kept, TextWriter writer)
{
    if (line is not null)
    {
        writer.WriteLine(line);
        kept.Add(line);
    }

    return line;
}

AgentRun RequireSuccess(AgentRun run)
{
    if (run.ExitCode != 0)
    {
        var said = string.Join(" ", run.Errors.Where(line => line.Trim().Length > 0));
        said = said.Length > 0 ? $": {said}" : "";
        throw new CakeException($"`{run.Command}` exited with code {run.ExitCode}{said}");
    }

    return run;
}

void WriteDemoReport(IEnumerable<AgentRun> runs, IReadOnlyList<string> site)
{
    var report = new List<string> { "EdgeAgent demo report", "" };
    report.AddRange(site);
    report.Add("");
    foreach (var run in runs)
    {
        report.Add($"$ {run.Command}    (exit code {run.ExitCode})");
        report.AddRange(run.Output.Concat(run.Errors).Select(l => "  " + l));
        report.Add("");
    }

    report.Add("Not built yet:");
    report.AddRange(notBuiltYet.Select(item => $"  - {item}"));
    EnsureDirectoryExists(demoReport.GetDirectory());
    System.IO.File.WriteAllLines(demoReport.FullPath, report);
    Information($"Demo report: {demoReport}");
}

// ---------------------------------------------------------------------------------------------------------
// The demo site: a hub and three terminals as real processes on loopback.
// ---------------------------------------------------------------------------------------------------------

sealed record DemoTerminal(string Device, string Product, string Profile, string Model);

// Starts edgehub (embedded broker with a plain and a mutual-TLS listener on free loopback ports, the REST API and
// dashboard, SQLite under artifacts/demo/site) with the demo registry imported, enrols three terminals (GL-0001 the
// way a product team would: a one-time token and `provision --hub`, then mutual TLS; the others by key), runs them for
// DemoSeconds with their pipelines on the sample inputs, commissioned at the pilot site, stops them cleanly (SIGTERM:
// last usage summary and power-off record, delivered before the publisher stops), stops the hub, and reads back what it
// verified; then writes the evidence reports and the auditor bundle, and verifies the bundle offline.
IReadOnlyList<string> RunDemoSite(DirectoryPath inputs, List<AgentRun> runs)
{
    const int DemoSeconds = 25;
    const string Site = "xihu-depot";
    var root = artifacts.Combine("demo/site");
    EnsureDirectoryDoesNotExist(root, new DeleteDirectorySettings { Recursive = true, Force = true });
    EnsureDirectoryExists(root);
    var db = root.CombineWithFilePath("edgehub.db");
    var terminals = new[]
    {
        new DemoTerminal("GL-0001", "smart-glasses", "smart-glasses", "blazeface+vad"),
        new DemoTerminal("DR-0001", "inspection-drone", "drone", "ppocr"),
        new DemoTerminal("RB-0001", "service-robot", "service-robot", "blazeface+vad"),
    };
    var secure = terminals[0];

    var registry = repoRoot.Combine("src/EdgeAgent.Hub/Registry/Samples/demo-site");
    foreach (var kind in new[] { "organisations", "products", "sites", "serials", "contracts", "invoices", "payments", "deliveries", "compute-contracts", "compute-invoices", "pilot-documents" })
    {
        runs.Add(RequireSuccess(RunHub($"import {kind} {registry.CombineWithFilePath(kind + ".csv")} --db {db}")));
    }

    // A model release for the fleet: a new build of blazeface (the same graph, one more metadata entry) signed with a
    // release key the terminals trust; rolled out to the smart glasses while they run.
    var releaseKey = root.CombineWithFilePath("release-key.pem");
    runs.Add(RequireSuccess(RunHub($"models keygen --out {releaseKey}")));
    runs.Add(RequireSuccess(RunProgram("fleet", FleetDll(configuration), $"release --catalog models/catalog.json --model blazeface --version 1.2.1 --out {root.Combine("release")}")));
    runs.Add(RequireSuccess(RunHub($"models publish --name blazeface --version 1.2.1 --file {root.Combine("release").CombineWithFilePath("blazeface-1.2.1.onnx")} --entry {root.Combine("release").CombineWithFilePath("entry.json")} --key {releaseKey} --db {db}")));

    var (port, tlsPort, httpPort) = (FreeLoopbackPort(), FreeLoopbackPort(), FreeLoopbackPort());
    using var hub = Background.Start("edgehub", HubDll(configuration),
        $"serve --db {db} --listen 127.0.0.1:{port} --mqtts 127.0.0.1:{tlsPort} --http 127.0.0.1:{httpPort}", repoRoot.FullPath);
    hub.WaitForLine(l => l.StartsWith("edgehub: listening on"), TimeSpan.FromSeconds(60));

    foreach (var t in terminals)
    {
        var state = root.Combine(t.Device);
        if (t == secure)
        {
            var token = RequireSuccess(RunHub($"devices token --device {t.Device} --product {t.Product} --ttl 1h --db {db}")).Output.Last(l => l.Trim().Length > 0).Trim();
            runs.Add(RequireSuccess(RunAgent($"provision --device {t.Device} --product {t.Product} --consent --board simulated --profile {t.Profile} --state-dir {state} --hub http://127.0.0.1:{httpPort} --token {token}")));
        }
        else
        {
            runs.Add(RequireSuccess(RunAgent($"provision --device {t.Device} --product {t.Product} --consent --board simulated --profile {t.Profile} --state-dir {state}")));
            runs.Add(RequireSuccess(RunHub($"devices enroll --device {t.Device} --product {t.Product} --key {state.CombineWithFilePath("device-key.pub.pem")} --db {db}")));
        }
    }

    // Each terminal is its product profile on the simulated board, replaying a recorded trace of its sensors, camera and
    // microphone (the sample inputs): the profile's pipelines run on the replayed camera and microphone, its mode rules
    // turn the replayed signals into seconds per mode and sessions, its fault rules into fault records.
    foreach (var t in terminals)
    {
        runs.Add(RequireSuccess(RunProgram("fleet", FleetDll(configuration), $"trace --product {t.Profile} --out {inputs.CombineWithFilePath(t.Profile + ".jsonl")}")));
    }

    // Each runs with the settings provision wrote (state directory, board, product profile; GL-0001 also its mutual-TLS
    // broker from enrolment), plus the demo's own: the plain broker for the others, region, site, the replayed trace.
    var agents = terminals.Select(t => Background.Start($"edgeagent {t.Device}", AgentDll(configuration),
        $"run --config {root.Combine(t.Device).CombineWithFilePath("provisioned.json")} {(t == secure ? "" : $"--set Mqtt:Broker=mqtt://127.0.0.1:{port} ")}" +
        $"--set Agent:Region=330106 --set Agent:Site={Site} " +
        $"--set Hardware:Replay={inputs.CombineWithFilePath(t.Profile + ".jsonl")} " +
        $"--set Updates:TrustedKeys:0={MakeAbsolute(root.CombineWithFilePath("release-key.pub.pem"))} " +
        "--set Usage:SummaryInterval=00:00:05", repoRoot.FullPath)).ToList();
    string campaign = null;
    try
    {
        foreach (var a in agents)
        {
            a.WaitForLine(l => l.Contains("Agent started"), TimeSpan.FromSeconds(60));
        }

        for (var elapsed = 0; elapsed < DemoSeconds; elapsed += 5)
        {
            System.Threading.Thread.Sleep(TimeSpan.FromSeconds(5));
            Information($"demo: {elapsed + 5} of {DemoSeconds} s");
            if (campaign is null)
            {
                // After 5 s of steady state (the baseline probation compares with): the smart glasses take blazeface 1.2.1.
                campaign = RequireSuccess(RunHub($"rollout create --model blazeface --version 1.2.1 --target product=smart-glasses --waves 100 --probation-calls 20 --probation-seconds 15 --latency-tolerance 3 --db {db}")).Output.Last(l => l.Trim().Length > 0).Trim();
            }
        }

        // A slow machine may still be in the middle of the update: give it up to a minute more before the terminals stop.
        for (var waited = 0; waited < 60 && RunQuiet(HubDll(configuration), $"rollout status {campaign} --db {db}")[0].Split('\t')[3] == "running"; waited++)
        {
            System.Threading.Thread.Sleep(TimeSpan.FromSeconds(1));
        }

        runs.Add(RunHub($"rollout status {campaign} --devices --db {db}"));

        foreach (var t in terminals)
        {
            runs.Add(RunAgent($"status --state-dir {root.Combine(t.Device)}"));
        }
    }
    finally
    {
        foreach (var a in agents)
        {
            a.Terminate(TimeSpan.FromSeconds(30));
        }

        foreach (var a in agents)
        {
            a.Dispose();
        }
    }

    hub.Terminate(TimeSpan.FromSeconds(30));

    var lines = new List<string>
    {
        $"Pilot site {Site}: edgehub with its embedded MQTT broker (plain 127.0.0.1:{port}, mutual TLS 127.0.0.1:{tlsPort}) and SQLite {db}; 3 terminals ran for {DemoSeconds} s.",
        $"{secure.Device} enrolled with a one-time token (edgeagent provision --hub) and connected over mutual TLS; the others were enrolled by key over the loopback listener.",
        "",
    };
    lines.Add($"{"terminal",-9} {"product",-17} {"models",-13} {"records",8} {"dropped",8} {"usage",6} {"inferences",11} {"frames",7} {"time (hub)",-24} types");
    var failures = new List<string>();
    var modeLines = new List<string> { "", "Hardware (product profile on the simulated board, replaying its trace): seconds per mode, sessions and faults, as the hub verified them:" };
    foreach (var t in terminals)
    {
        var listing = RunHub($"records --device {t.Device} --db {db} --format json");
        RequireSuccess(listing);
        var records = listing.Output.Where(l => l.StartsWith("{")).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        var types = records.GroupBy(r => r.GetProperty("type").GetString()).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}");
        var summaries = records.Where(r => r.GetProperty("type").GetString() == "usage.summary").Select(r => r.GetProperty("data")).ToList();
        long inferences = summaries.Sum(d => d.TryGetProperty("inferences", out var m) ? m.EnumerateObject().Sum(p => p.Value.GetProperty("calls").GetInt64()) : 0);
        long frames = summaries.Sum(d => d.TryGetProperty("frames", out var f) ? f.GetInt64() : 0);
        var times = records.Where(r => r.TryGetProperty("time", out _)).GroupBy(r => r.GetProperty("time").GetProperty("status").GetString()).Select(g => $"{g.Key} {g.Count()}");
        lines.Add($"{t.Device,-9} {t.Product,-17} {t.Model,-13} {records.Count,8} {records.Count(r => r.GetProperty("type").GetString() == "dropped"),8} {summaries.Count,6} {inferences,11} {frames,7} {string.Join(", ", times),-24} {string.Join(", ", types)}");
        var modes = summaries.Where(d => d.TryGetProperty("modes", out _)).SelectMany(d => d.GetProperty("modes").EnumerateObject())
            .GroupBy(m => m.Name).Select(g => $"{g.Key} {g.Sum(m => m.Value.GetDouble()):0.0} s");
        var sessions = records.Where(r => r.GetProperty("type").GetString() == "session").Select(r => r.GetProperty("data"))
            .Select(d => $"{d.GetProperty("mode").GetString()} {d.GetProperty("duration_s").GetDouble():0.0} s");
        var faults = records.Where(r => r.GetProperty("type").GetString() is "fault.raised" or "fault.cleared")
            .Select(r => $"{r.GetProperty("data").GetProperty("code").GetString()} {(r.GetProperty("type").GetString() == "fault.raised" ? "raised" : "cleared")}");
        modeLines.Add($"  {t.Device} ({t.Profile}): modes {string.Join(", ", modes.DefaultIfEmpty("none"))}; sessions {string.Join(", ", sessions.DefaultIfEmpty("none"))}; faults {string.Join(", ", faults.DefaultIfEmpty("none"))}");
        if (records.Count == 0 || inferences == 0)
        {
            failures.Add($"{t.Device}: {records.Count} verified record(s), {inferences} inference(s) in its usage summaries");
        }
    }

    lines.AddRange(modeLines);
    var rollout = RunQuiet(HubDll(configuration), $"rollout status {campaign} --db {db}");
    var rolloutState = rollout[0].Split('\t')[3];
    var glasses = RunQuiet(HubDll(configuration), $"records --device {secure.Device} --db {db} --format json").Where(l => l.StartsWith("{"))
        .Select(l => JsonDocument.Parse(l).RootElement.Clone()).Where(r => r.GetProperty("type").GetString() == "model.update").Select(r => r.GetProperty("data")).ToList();
    lines.Add("");
    lines.Add($"Rollout {campaign}: blazeface 1.2.1 (a new build signed with the demo's release key) to product=smart-glasses: {rolloutState}.");
    lines.Add($"  {secure.Device}: {string.Join(" -> ", glasses.Select(d => d.GetProperty("state").GetString()))}" +
        (glasses.LastOrDefault() is { ValueKind: JsonValueKind.Object } last && last.TryGetProperty("p95_ms", out var p95) && last.TryGetProperty("baseline_p95_ms", out var before)
            ? $" (probation {last.GetProperty("calls")} calls, p95 {p95} ms against {before} ms before the swap, drift {last.GetProperty("drift")})" : ""));
    if (rolloutState != "completed")
    {
        failures.Add($"rollout {campaign} ended {rolloutState}, not completed");
    }

    var rejections = RunHub($"rejections --db {db}");
    runs.Add(rejections);
    lines.Add("");
    lines.Add("Every record above was verified at the hub (signature over the batch checkpoint, hash chain from the device's first record) before it was stored; what failed is under `edgehub rejections` below.");
    lines.Add("");
    lines.AddRange(WriteDemoEvidence(db, Site, runs, failures));
    foreach (var line in lines)
    {
        Information(line);
    }

    if (failures.Count > 0)
    {
        throw new CakeException($"the demo site did not work: {string.Join("; ", failures)}");
    }

    return lines;
}

// The evidence the site produced: the three reports (profile hz-2025-draft, the current year in its time zone), the
// auditor bundle of the smart glasses verified offline, and a dashboard account to browse the site with afterwards.
IReadOnlyList<string> WriteDemoEvidence(FilePath db, string site, List<AgentRun> runs, List<string> failures)
{
    var demo = artifacts.Combine("demo");
    var year = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).Year;
    var lines = new List<string> { $"Evidence for {year} (policy profile hz-2025-draft), in {demo}:" };
    FilePath Out(string name) => demo.CombineWithFilePath(name);

    runs.Add(RequireSuccess(RunHub($"report sales-award --year {year} --format json --out {Out($"sales-award-{year}.json")} --db {db}")));
    runs.Add(RequireSuccess(RunHub($"report sales-award --year {year} --format html --out {Out($"sales-award-{year}.html")} --db {db}")));
    runs.Add(RequireSuccess(RunHub($"report pilot --year {year} --site {site} --format html --out {Out($"pilot-{site}-{year}.html")} --db {db}")));
    runs.Add(RequireSuccess(RunHub($"report pilot --year {year} --site {site} --format json --out {Out($"pilot-{site}-{year}.json")} --db {db}")));
    runs.Add(RequireSuccess(RunHub($"report compute-voucher --year {year} --format html --out {Out($"compute-voucher-{year}.html")} --db {db}")));
    if (FileExists("/usr/bin/chromium"))
    {
        runs.Add(RequireSuccess(RunHub($"report sales-award --year {year} --format pdf --out {Out($"sales-award-{year}.pdf")} --db {db}")));
    }

    using (var award = JsonDocument.Parse(System.IO.File.ReadAllText(Out($"sales-award-{year}.json").FullPath)))
    {
        foreach (var enterprise in award.RootElement.GetProperty("enterprises").EnumerateArray())
        {
            foreach (var product in enterprise.GetProperty("products").EnumerateArray())
            {
                lines.Add($"  sales-award {product.GetProperty("product_id").GetString(),-17} verified units {product.GetProperty("verified_units").GetInt32()}, " +
                    $"verified sales {product.GetProperty("verified_cny").GetDecimal():N2} CNY, tier C {product.GetProperty("tier_c_units").GetInt32()}; " +
                    $"award for {enterprise.GetProperty("enterprise_id").GetString()} {enterprise.GetProperty("award_cny").GetDecimal():N2} CNY");
            }
        }
    }

    using (var pilot = JsonDocument.Parse(System.IO.File.ReadAllText(Out($"pilot-{site}-{year}.json").FullPath)))
    {
        foreach (var unit in pilot.RootElement.GetProperty("units").EnumerateArray())
        {
            var reliability = unit.GetProperty("reliability");
            lines.Add($"  pilot {unit.GetProperty("serial").GetString()} at {unit.GetProperty("site_id").GetString()}: order {unit.GetProperty("order").GetInt32()}" +
                $"{(unit.GetProperty("first_unit").GetBoolean() ? " (首台（套）)" : "")}, observed {unit.GetProperty("observed_hours").GetDouble():F3} h, " +
                $"operating {reliability.GetProperty("operating_hours").GetDouble():F3} h, relevant failures {reliability.GetProperty("relevant_failures").GetInt32()}, " +
                $"MTBF lower bound {reliability.GetProperty("mtbf_lower_hours").GetDouble():F3} h");
        }
    }

    var bundle = Out($"evidence-smart-glasses-{year}.zip");
    runs.Add(RequireSuccess(RunHub($"export evidence --year {year} --product smart-glasses --out {bundle} --db {db}")));
    var verify = RunHub($"verify {bundle}");
    runs.Add(verify);
    var verdict = verify.Output.LastOrDefault(l => l.StartsWith("verified") || l.StartsWith("NOT VERIFIED")) ?? "(no verdict)";
    lines.Add($"  auditor bundle {bundle.GetFilename()}: {verdict}");
    if (verify.ExitCode != 0)
    {
        failures.Add($"edgehub verify {bundle}: exit {verify.ExitCode}");
    }

    var password = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12)).ToLowerInvariant();
    Environment.SetEnvironmentVariable("EDGEHUB_DEMO_PASSWORD", password);
    runs.Add(RequireSuccess(RunHub($"users add --user demo-admin --role admin --password-env EDGEHUB_DEMO_PASSWORD --db {db}")));
    Environment.SetEnvironmentVariable("EDGEHUB_DEMO_PASSWORD", null);
    var login = Out("site/dashboard-login.txt");
    System.IO.File.WriteAllText(login.FullPath, $"user demo-admin\npassword {password}\n");
    lines.Add($"  dashboard: dotnet {HubDll(configuration)} serve --db {db}, then http://127.0.0.1:8080/ (login in {login})");
    return lines;
}

int FreeLoopbackPort()
{
    var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
    listener.Start();
    var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    listener.Stop();
    return port;
}

// A program of ours running in the background while the build goes on: its output is echoed with its name in front.
sealed class Background : IDisposable
{
    readonly System.Diagnostics.Process process;
    readonly List<string> lines = new();
    readonly object gate = new();
    bool echo = true;

    Background(string name, System.Diagnostics.Process process)
    {
        Name = name;
        this.process = process;
    }

    public string Name { get; }

    public static Background Start(string name, string dll, string arguments, string workingDirectory) =>
        StartExecutable(name, "dotnet", $"{dll} {arguments}", workingDirectory, echo: true);

    // Any program; with echo false its lines are kept (for WaitForLine) but not printed (Mosquitto -v logs every packet).
    public static Background StartExecutable(string name, string fileName, string arguments, string workingDirectory, bool echo)
    {
        var start = new System.Diagnostics.ProcessStartInfo(fileName, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        var process = new System.Diagnostics.Process { StartInfo = start };
        var background = new Background(name, process) { echo = echo };
        process.OutputDataReceived += (_, e) => background.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => background.Keep(e.Data);
        Console.WriteLine($"> {name}: {fileName} {arguments}");
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return background;
    }

    void Keep(string line)
    {
        if (line is null)
        {
            return;
        }

        lock (gate)
        {
            lines.Add(line);
            System.Threading.Monitor.PulseAll(gate);
        }

        if (echo)
        {
            Console.WriteLine($"[{Name}] {line}");
        }
    }

    public string WaitForLine(Func<string, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        lock (gate)
        {
            while (true)
            {
                var found = lines.FirstOrDefault(match);
                if (found is not null)
                {
                    return found;
                }

                if (process.HasExited)
                {
                    throw new CakeException($"{Name} exited with code {process.ExitCode} before it was ready: {string.Join(" | ", lines.TakeLast(10))}");
                }

                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                {
                    throw new CakeException($"{Name} was not ready within {timeout.TotalSeconds} s: {string.Join(" | ", lines.TakeLast(10))}");
                }

                System.Threading.Monitor.Wait(gate, left < TimeSpan.FromMilliseconds(500) ? left : TimeSpan.FromMilliseconds(500));
            }
        }
    }

    // SIGTERM (the clean stop systemd would ask for), then waits; a program that does not stop in time is killed.
    public void Terminate(TimeSpan timeout)
    {
        if (process.HasExited)
        {
            return;
        }

        System.Diagnostics.Process.Start("kill", $"-TERM {process.Id}").WaitForExit();
        if (!process.WaitForExit((int)timeout.TotalMilliseconds))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new CakeException($"{Name} did not stop within {timeout.TotalSeconds} s of SIGTERM and was killed");
        }

        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new CakeException($"{Name} stopped with exit code {process.ExitCode}: {string.Join(" | ", lines.TakeLast(10))}");
        }
    }

    public int Id => process.Id;

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        process.Dispose();
    }
}

// ---------------------------------------------------------------------------------------------------------
// Bench: a hub (embedded broker, or Mosquitto with the hub as its client) and a device on loopback.
// ---------------------------------------------------------------------------------------------------------

// A fresh hub database and device under artifacts/bench/site-LABEL: provisions and enrols the device, starts Mosquitto (if asked)
// and edgehub, runs `edgeagent bench evidence` against them, and stops everything it started.
void RunEvidenceBench(string label, bool useMosquitto)
{
    var site = ResetBenchSite(label);
    var db = site.CombineWithFilePath("edgehub.db");
    var state = site.Combine("device");
    ProvisionAndEnrol("BENCH-EV-0001", state, db);
    var port = FreeLoopbackPort();
    Background broker = null;
    Background hub = null;
    try
    {
        var hubArguments = $"serve --db {db} --http 127.0.0.1:0 --listen 127.0.0.1:{port}";
        if (useMosquitto)
        {
            broker = StartMosquitto(site, port);
            hubArguments = $"serve --db {db} --http 127.0.0.1:0 --broker mqtt://127.0.0.1:{port}";
        }

        hub = Background.Start("edgehub", HubDll(configuration), hubArguments, repoRoot.FullPath);
        hub.WaitForLine(l => l.StartsWith("edgehub: listening on"), TimeSpan.FromSeconds(60));
        RequireSuccess(RunAgent($"bench evidence --broker mqtt://127.0.0.1:{port} --state-dir {state} --records 50000 --writers 64 --out {artifacts.Combine("bench").CombineWithFilePath($"evidence-{label}.json")}"));
    }
    finally
    {
        StopAll(hub, broker);
    }
}

// A rollout campaign to `devices` real agents (FleetHost, one process, each with a silero-vad pipeline) of a new build of silero-vad, waves 1,10,50,100: the time from `edgehub rollout create` to the
// campaign completed (every agent downloaded, verified, staged, swapped, passed probation and reported it).
void RunRolloutBench(int devices)
{
    var site = ResetBenchSite("rollout");
    var db = site.CombineWithFilePath("edgehub.db");
    // Each agent runs silero-vad on a half-second clip every 2 s (16 calls): 100 simulated agents share this machine's
    // cores, and heavier inference would measure their contention rather than the rollout.
    EnsureAptPackages("the rollout benchmark's speech sample", "espeak-ng");
    var speech = site.CombineWithFilePath("ready.wav");
    RequireZero("espeak-ng", $"-w {speech} \"Ready.\"", site);
    RequireSuccess(RunProgram("fleet", FleetDll(configuration), $"provision --dir {site.Combine("fleet")} --devices {devices} --product bench-drone --prefix BD- --keys {site.Combine("keys")}"));
    RequireSuccess(RunHub($"devices enroll --product bench-drone --key-dir {site.Combine("keys")} --db {db}"));
    RequireSuccess(RunHub($"models keygen --out {site.CombineWithFilePath("release-key.pem")}"));
    RequireSuccess(RunProgram("fleet", FleetDll(configuration), $"release --catalog models/catalog.json --model silero-vad --version 5.1.1 --out {site.Combine("release")}"));
    RequireSuccess(RunHub($"models publish --name silero-vad --version 5.1.1 --file {site.Combine("release").CombineWithFilePath("silero-vad-5.1.1.onnx")} --entry {site.Combine("release").CombineWithFilePath("entry.json")} --key {site.CombineWithFilePath("release-key.pem")} --db {db}"));
    var port = FreeLoopbackPort();
    Background hub = null;
    Background fleet = null;
    try
    {
        hub = Background.Start("edgehub", HubDll(configuration), $"serve --db {db} --http 127.0.0.1:0 --listen 127.0.0.1:{port} --rollout-interval 0.2", repoRoot.FullPath);
        hub.WaitForLine(l => l.StartsWith("edgehub: listening on"), TimeSpan.FromSeconds(60));
        var settings = new[]
        {
            $"Mqtt:Broker=mqtt://127.0.0.1:{port}", "Agent:SystemClock=none", "Models:Pipelines:0:Model=silero-vad", $"Models:Pipelines:0:Input={MakeAbsolute(speech)}",
            "Models:Pipelines:0:Interval=00:00:02", $"Updates:TrustedKeys:0={MakeAbsolute(site.CombineWithFilePath("release-key.pub.pem"))}",
        };
        fleet = Background.Start("fleet", FleetDll(configuration), $"run --dir {site.Combine("fleet")} {string.Join(" ", settings.Select(s => $"--set {s}"))}", repoRoot.FullPath);
        fleet.WaitForLine(l => l.StartsWith("fleet running"), TimeSpan.FromMinutes(3));
        // Latency is not gated (tolerance 100x): 100 agents share this machine's cores, so one agent's p95 in probation
        // measures its neighbours staging the release, not its model (the swap itself is measured by `bench swap`).
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var id = RequireSuccess(RunHub($"rollout create --model silero-vad --version 5.1.1 --target product=bench-drone --waves 1,10,50,100 --min-success 95 --halt-failures 5 --probation-calls 20 --probation-seconds 60 --latency-tolerance 100 --db {db}")).Output.Last(l => l.Trim().Length > 0).Trim();
        string state;
        var waveDone = new List<double>();
        while (true)
        {
            var status = RunQuiet(HubDll(configuration), $"rollout status {id} --db {db}");
            state = status[0].Split('\t')[3];
            var done = status.Count(l => l.TrimStart().StartsWith("wave ") && l.Contains(": done,"));
            while (waveDone.Count < done)
            {
                waveDone.Add(Math.Round(watch.Elapsed.TotalSeconds, 1));
            }

            if (state is "completed" or "halted" or "aborted" || watch.Elapsed > TimeSpan.FromMinutes(10))
            {
                break;
            }

            System.Threading.Thread.Sleep(200);
        }

        var seconds = Math.Round(watch.Elapsed.TotalSeconds, 1);
        Information($"rollout {id} to {devices} agents: {state} after {seconds} s (waves done at {string.Join(", ", waveDone)} s)");
        RunHub($"rollout status {id} --db {db}");
        var result = new Dictionary<string, object> { ["devices"] = devices, ["campaign"] = id, ["state"] = state, ["seconds"] = seconds, ["waves_done_at_s"] = waveDone, ["waves"] = "1,10,50,100", ["probation_calls"] = 20, ["pipeline"] = "silero-vad on a 0.5 s clip every 2 s" };
        System.IO.File.WriteAllText(artifacts.Combine("bench").CombineWithFilePath("rollout.json").FullPath, JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
        if (state != "completed")
        {
            throw new CakeException($"the rollout to {devices} agents ended {state}");
        }
    }
    finally
    {
        fleet?.Terminate(TimeSpan.FromMinutes(2));
        StopAll(hub);
    }
}

// A program's standard output, not echoed (for polling).
List<string> RunQuiet(string dll, string programArguments)
{
    StartProcess("dotnet", new ProcessSettings { Arguments = $"{dll} {programArguments}", WorkingDirectory = repoRoot, RedirectStandardOutput = true, RedirectStandardError = true }, out var stdout);
    return stdout.ToList();
}

// An agent with no pipelines, connected to a hub, left alone for `window`: its CPU time (and the hub's) from /proc/PID/stat.
Dictionary<string, object> MeasureIdleCpu(TimeSpan window)
{
    var site = ResetBenchSite("idle");
    var db = site.CombineWithFilePath("edgehub.db");
    var state = site.Combine("device");
    ProvisionAndEnrol("BENCH-IDLE-0001", state, db);
    var port = FreeLoopbackPort();
    Background hub = null;
    Background agent = null;
    try
    {
        hub = Background.Start("edgehub", HubDll(configuration), $"serve --db {db} --http 127.0.0.1:0 --listen 127.0.0.1:{port}", repoRoot.FullPath);
        hub.WaitForLine(l => l.StartsWith("edgehub: listening on"), TimeSpan.FromSeconds(60));
        agent = Background.Start("edgeagent idle", AgentDll(configuration), $"run --state-dir {state} --set Mqtt:Broker=mqtt://127.0.0.1:{port}", repoRoot.FullPath);
        WaitForConnected(state, agent, TimeSpan.FromSeconds(60));
        // Steady state, not start-up: the power-on and activation records, the clock sync and the JIT's tier-up of the
        // loops that run every few seconds all fall in the first half minute (measured: 1.6% of a core in the first
        // 10 s, 0.5-0.7% from 30 s on).
        System.Threading.Thread.Sleep(TimeSpan.FromSeconds(30));
        var ticksPerSecond = double.Parse(Capture("getconf", "CLK_TCK").Output, System.Globalization.CultureInfo.InvariantCulture);
        var (agent0, hub0) = (CpuTicks(agent.Id), CpuTicks(hub.Id));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        System.Threading.Thread.Sleep(window);
        var (agent1, hub1) = (CpuTicks(agent.Id), CpuTicks(hub.Id));
        var seconds = clock.Elapsed.TotalSeconds;
        double Percent(long ticks) => Math.Round(100.0 * ticks / ticksPerSecond / seconds, 3);
        var result = new Dictionary<string, object>
        {
            ["window_s"] = Math.Round(seconds, 1),
            ["clk_tck"] = ticksPerSecond,
            ["agent_cpu_ticks"] = agent1 - agent0,
            ["agent_cpu_percent_of_one_core"] = Percent(agent1 - agent0),
            ["hub_cpu_ticks"] = hub1 - hub0,
            ["hub_cpu_percent_of_one_core"] = Percent(hub1 - hub0),
        };
        Information($"idle: agent {result["agent_cpu_percent_of_one_core"]} % of one core, hub {result["hub_cpu_percent_of_one_core"]} % over {seconds:F1} s");
        return result;
    }
    finally
    {
        StopAll(agent, hub);
    }
}

DirectoryPath ResetBenchSite(string label)
{
    var site = artifacts.Combine($"bench/site-{label}");
    EnsureDirectoryDoesNotExist(site, new DeleteDirectorySettings { Recursive = true, Force = true });
    EnsureDirectoryExists(site);
    return site;
}

void ProvisionAndEnrol(string device, DirectoryPath state, FilePath db)
{
    RequireSuccess(RunAgent($"provision --device {device} --product smart-glasses --consent --state-dir {state}"));
    RequireSuccess(RunHub($"devices enroll --device {device} --product smart-glasses --key {state.CombineWithFilePath("device-key.pub.pem")} --db {db}"));
}

// Mosquitto on 127.0.0.1:port with nothing but a listener and anonymous access (in-memory persistence is its default; no -v,
// which would log every packet during the measurement).
Background StartMosquitto(DirectoryPath site, int port)
{
    var config = site.CombineWithFilePath("mosquitto.conf");
    System.IO.File.WriteAllText(config.FullPath, $"listener {port} 127.0.0.1\nallow_anonymous true\n");
    var broker = Background.StartExecutable("mosquitto", "/usr/sbin/mosquitto", $"-c {config}", site.FullPath, echo: true);
    broker.WaitForLine(l => l.Contains($"listen socket on port {port}"), TimeSpan.FromSeconds(30));
    return broker;
}

void WaitForConnected(DirectoryPath state, Background agent, TimeSpan timeout)
{
    var watch = System.Diagnostics.Stopwatch.StartNew();
    while (true)
    {
        var exitCode = StartProcess("dotnet", new ProcessSettings
        {
            Arguments = $"{AgentDll(configuration)} status --state-dir {state} --format json",
            WorkingDirectory = repoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }, out var stdout);
        var json = string.Join("\n", stdout).Trim();
        if (exitCode == 0 && json.StartsWith("{") && JsonDocument.Parse(json).RootElement.TryGetProperty("connected", out var c) && c.GetBoolean())
        {
            Information($"edgeagent status: connected after {watch.Elapsed.TotalSeconds:F1} s");
            return;
        }

        if (watch.Elapsed > timeout)
        {
            throw new CakeException($"the idle agent did not report connected within {timeout.TotalSeconds} s (last status: {json})");
        }

        System.Threading.Thread.Sleep(TimeSpan.FromMilliseconds(500));
    }
}

// utime + stime of a process, in clock ticks (proc(5): fields 14 and 15, counted after the parenthesised name).
long CpuTicks(int pid)
{
    var stat = System.IO.File.ReadAllText($"/proc/{pid}/stat");
    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    return long.Parse(fields[11]) + long.Parse(fields[12]);
}

void StopAll(params Background[] programs)
{
    var failures = new List<string>();
    foreach (var program in programs.Where(p => p is not null))
    {
        try
        {
            program.Terminate(TimeSpan.FromSeconds(30));
        }
        catch (CakeException e)
        {
            failures.Add(e.Message);
        }
        finally
        {
            program.Dispose();
        }
    }

    if (failures.Count > 0)
    {
        Warning($"stopping the bench's programs: {string.Join("; ", failures)}");
    }
}

void PrintBenchSummary(DirectoryPath bench)
{
    JsonElement Read(string name) => JsonDocument.Parse(System.IO.File.ReadAllText(bench.CombineWithFilePath(name).FullPath)).RootElement.Clone();
    string F(double v) => v.ToString("F0", System.Globalization.CultureInfo.InvariantCulture);
    var hubIngest = Read("hub-ingest.json");
    var lines = new List<string>
    {
        "",
        "Bench summary (this machine, this run; ratios are against a baseline measured in the same run):",
        $"  {"measure",-58} {"value",14} {"baseline",22} {"ratio",7} {"target",-24}",
        $"  {"hub verify + store (edgehub bench), records/s",-58} {F(hubIngest.GetProperty("records_per_second").GetDouble()),14} {"-",22} {"-",7} {">= 20000",-24}",
    };
    foreach (var label in new[] { "embedded", "mosquitto" })
    {
        var e = Read($"evidence-{label}.json");
        lines.Add($"  {$"append -> hub ack, {label} broker, records/s",-58} {F(e.GetProperty("agent").GetProperty("median").GetDouble()),14} {F(e.GetProperty("raw").GetProperty("median").GetDouble()) + " raw msg/s",22} {e.GetProperty("ratio").GetDouble(),7:F2} {">= 20000 and ratio >= 0.5",-24}");
    }

    var swap = Read("swap.json");
    lines.Add($"  {"hot swap under 200 calls/s: worst call during a swap, ms",-58} {swap.GetProperty("swap_max_ms").GetDouble(),14:F3} {$"steady p99 {swap.GetProperty("steady_p99_ms").GetDouble():F3} ms",22} {swap.GetProperty("swap_max_over_steady_p99").GetDouble(),7:F2} {$"{swap.GetProperty("failed").GetInt32()} failed calls",-24}");
    var rollout = Read("rollout.json");
    lines.Add($"  {$"rollout create -> {rollout.GetProperty("devices").GetInt32()} agents committed (waves 1,10,50,100), s",-58} {rollout.GetProperty("seconds").GetDouble(),14:F1} {"-",22} {"-",7} {rollout.GetProperty("state").GetString(),-24}");
    var idle = Read("idle-cpu.json");
    lines.Add($"  {"idle agent CPU, % of one core",-58} {idle.GetProperty("agent_cpu_percent_of_one_core").GetDouble(),14:F2} {$"hub {idle.GetProperty("hub_cpu_percent_of_one_core").GetDouble():F2} %",22} {"-",7} {"< 1",-24}");
    lines.Add($"  (load average at the end: {System.IO.File.ReadAllText("/proc/loadavg").Trim()}; {Environment.ProcessorCount} cores)");
    foreach (var line in lines)
    {
        Information(line);
    }

    System.IO.File.WriteAllLines(bench.CombineWithFilePath("summary.txt").FullPath, lines);
}

// The demo's fleet phase: 200 virtual devices of edgesim (the three products, 1 record/s each) for 20 s with a few faults
// against a hub of their own (edgehub serve, embedded broker + SQLite under artifacts/demo/fleet), so that the pilot
// site's database and its evidence reports hold only the three terminals; the hub's counts are read from its database.
IReadOnlyList<string> RunDemoFleet(List<AgentRun> runs)
{
    const int Devices = 200;
    var root = artifacts.Combine("demo/fleet");
    EnsureDirectoryDoesNotExist(root, new DeleteDirectorySettings { Recursive = true, Force = true });
    EnsureDirectoryExists(root);
    var db = root.CombineWithFilePath("edgehub.db");
    var summaryFile = root.CombineWithFilePath("summary.json");
    RequireSuccess(RunProgram("edgesim", SimDll(configuration), $"provision --dir {root.Combine("devices")} --devices {Devices} --prefix DEMO"));
    foreach (var product in new[] { "smart-glasses", "inspection-drone", "service-robot" })
    {
        RequireSuccess(RunHub($"devices enroll --product {product} --key-dir {root.Combine("devices/keys").Combine(product)} --db {db}"));
    }

    var port = FreeLoopbackPort();
    var hub = Background.StartExecutable("edgehub (fleet)", "dotnet", $"{HubDll(configuration)} serve --db {db} --http 127.0.0.1:0 --listen 127.0.0.1:{port}", repoRoot.FullPath, echo: false);
    AgentRun run;
    try
    {
        hub.WaitForLine(l => l.StartsWith("edgehub: listening on"), TimeSpan.FromSeconds(60));
        run = RunProgram("edgesim", SimDll(configuration),
            $"run --dir {root.Combine("devices")} --broker mqtt://127.0.0.1:{port} --rate 1 --duration 20 --ramp 5 --progress 5 --drain 30 " +
            $"--fault disconnect=5% --fault reset=2% --fault duplicate=2% --fault tamper=1% --fault no-rtc=10% --hub-db {db} --hub-pid {hub.Id} --out {summaryFile}");
    }
    finally
    {
        StopAll(hub);
    }

    runs.Add(new AgentRun(run.Command, run.ExitCode, run.Output.Where(l => l.StartsWith("edgesim:") || l.StartsWith("[")).ToList(), run.Errors));
    if (!FileExists(summaryFile))
    {
        return new[] { "", $"Fleet simulator: edgesim wrote no summary (exit {run.ExitCode})" };
    }

    var s = JsonDocument.Parse(System.IO.File.ReadAllText(summaryFile.FullPath)).RootElement;
    var hubCounts = s.GetProperty("hub");
    var latency = s.GetProperty("latency_ms");
    var lines = new List<string>
    {
        "",
        $"Fleet simulator (edgesim run, {summaryFile}): {s.GetProperty("devices").GetInt32()} virtual devices ({string.Join(", ", s.GetProperty("products").EnumerateObject().Select(p => $"{p.Value.GetInt32()} {p.Name}"))}), " +
            $"1 record/s each for {s.GetProperty("duration_s").GetDouble():F0} s, each the real ledger and MQTT publisher over an in-memory outbox, against a hub of their own:",
        $"  connected {s.GetProperty("connected_peak").GetInt64()} of {s.GetProperty("devices").GetInt32()}; records made {s.GetProperty("records_made").GetInt64()}, acknowledged {s.GetProperty("records_acknowledged").GetInt64()}, stored by the hub {hubCounts.GetProperty("records_stored").GetInt64()}; " +
            $"record -> acknowledgement p50 {latency.GetProperty("p50")} ms, p99 {latency.GetProperty("p99")} ms",
    };
    foreach (var f in s.GetProperty("faults").EnumerateArray())
    {
        lines.Add($"  fault {f.GetProperty("spec").GetString()}: {f.GetProperty("injected").GetInt64()} injected; the hub should show {f.GetProperty("hub_should_show").GetString()}");
    }

    lines.Add($"  rejections at the hub (the tampered deliveries and the batches behind them): {string.Join(", ", hubCounts.GetProperty("rejections").EnumerateObject().Select(r => $"{r.Name} {r.Value.GetInt64()}").DefaultIfEmpty("none"))}");
    if (s.GetProperty("records_unacknowledged").GetInt64() != 0 || hubCounts.GetProperty("records_stored").GetInt64() != s.GetProperty("records_made").GetInt64())
    {
        throw new CakeException($"the demo fleet left records unacknowledged or unstored: made {s.GetProperty("records_made").GetInt64()}, acknowledged {s.GetProperty("records_acknowledged").GetInt64()}, stored {hubCounts.GetProperty("records_stored").GetInt64()}");
    }

    foreach (var line in lines)
    {
        Information(line);
    }

    return lines;
}

// ---------------------------------------------------------------------------------------------------------
// Soak (Soak, and Bench): edgesim's virtual fleet against a hub started here.
// ---------------------------------------------------------------------------------------------------------

// The hub configuration a soak runs against: how to start it on a database and an MQTT port (every process it returns
// is stopped afterwards and has its resident memory sampled), and how edgesim reads what the hub stored. The embedded
// hub is one process with SQLite; the scale-out hub (its workers, Mosquitto, PostgreSQL) adds its own SoakHub here and
// an edgesim counts source for its store (src/EdgeAgent.Sim/Report/HubObservers.cs, IHubCounts).
sealed class SoakHub
{
    public string Label { get; init; }
    public string Description { get; init; }
    // Makes the hub's store in the site (a SQLite file, or a database of a PostgreSQL started here) and returns the edgehub
    // option that names it (--db FILE, --store postgres://...): devices are enrolled and the hub started with it.
    public Func<DirectoryPath, string> Store { get; init; }
    public Func<DirectoryPath, string, int, List<Background>> Start { get; init; }
    // The edgesim option that reads the hub's counts from that store (--hub-db FILE, --hub-store postgres://...).
    public Func<string, string> CountsArguments { get; init; }
    // Which of Start's processes to SIGKILL, and after how many seconds of the run (the scale-out kill run); null: none.
    public int? KillIndex { get; init; }
    public double KillAfterSeconds { get; init; }
}

SoakHub EmbeddedSoakHub() => new SoakHub
{
    Label = "embedded",
    Description = "edgehub serve: embedded MQTTnet broker + SQLite, one process",
    Store = site => $"--db {site.CombineWithFilePath("edgehub.db")}",
    Start = (site, store, port) =>
    {
        // Not echoed: at ten thousand devices its log is about connections, and the figures come from its database.
        var hub = Background.StartExecutable("edgehub", "dotnet", $"{HubDll(configuration)} serve {store} --http 127.0.0.1:0 --listen 127.0.0.1:{port}", repoRoot.FullPath, echo: false);
        hub.WaitForLine(l => l.StartsWith("edgehub: listening on"), TimeSpan.FromSeconds(60));
        return new List<Background> { hub };
    },
    CountsArguments = store => store.Replace("--db ", "--hub-db "),
};

// Provisions `devices` keys (edgesim provision; once per fleet directory), enrols them (edgehub devices enroll --key-dir,
// per product), starts the hub, runs edgesim (ramp, rate, minutes; progress every 10 s with the hub's RSS) and stops the
// hub. The summary, with the hub's own counts, is artifacts/bench/soak-LABEL.json (returned). Unacknowledged records are
// reported, not thrown: a soak that misses its targets still writes its figures.
FilePath RunSoak(SoakHub setup, int devices, double rate, double minutes, double ramp, DirectoryPath fleet = null)
{
    var site = ResetBenchSite($"soak-{setup.Label}");
    var store = setup.Store(site);
    var output = artifacts.Combine("bench").CombineWithFilePath($"soak-{setup.Label}.json");
    var ci = System.Globalization.CultureInfo.InvariantCulture;
    if (fleet is null)
    {
        fleet = site.Combine("fleet");
        RequireSuccess(RunProgram("edgesim", SimDll(configuration), $"provision --dir {fleet} --devices {devices}"));
    }

    foreach (var product in new[] { "smart-glasses", "inspection-drone", "service-robot" }.Take(Math.Min(3, devices)))
    {
        RequireSuccess(RunHub($"devices enroll --product {product} --key-dir {fleet.Combine("keys").Combine(product)} {store}"));
    }

    var port = FreeLoopbackPort();
    var processes = setup.Start(site, store, port);
    System.Threading.Timer kill = null;
    try
    {
        if (setup.KillIndex is { } victim)
        {
            kill = new System.Threading.Timer(_ =>
            {
                Information($"soak {setup.Label}: SIGKILL {processes[victim].Name} (pid {processes[victim].Id}) at {setup.KillAfterSeconds:F0} s");
                System.Diagnostics.Process.Start("kill", $"-KILL {processes[victim].Id}").WaitForExit();
            }, null, TimeSpan.FromSeconds(setup.KillAfterSeconds), System.Threading.Timeout.InfiniteTimeSpan);
        }

        var pids = string.Join(" ", processes.Select(p => $"--hub-pid {p.Id}"));
        var run = RunProgram("edgesim", SimDll(configuration),
            string.Create(ci, $"run --dir {fleet} --broker mqtt://127.0.0.1:{port} --devices {devices} --rate {rate} --duration {minutes * 60} --ramp {ramp} --progress 10 --drain 120 {setup.CountsArguments(store)} {pids} --out {output}"));
        if (run.ExitCode != 0)
        {
            Warning($"edgesim exited {run.ExitCode} (records left unacknowledged, or the run failed); the figures are in {output}");
        }
    }
    finally
    {
        kill?.Dispose();
        StopAll(processes.Where((_, i) => i != setup.KillIndex).ToArray());
        if (setup.KillIndex is { } victim)
        {
            processes[victim].Dispose();
        }
    }

    return output;
}

// The scale-out hub for the soak: Mosquitto 2 with hardware/city-scale/mosquitto.conf (its limits, persistence and the
// workers' password listener and ACL; listener on a free loopback port, files in a temporary directory, its open-file
// limit raised for ten thousand sockets). Two changes, both said in the README: the mutual-TLS device listener is left
// out and the password listener takes anonymous devices, whose ACL patterns use the client id (%c) where the shipped
// ACL uses the certificate's user name (%u); edgesim's devices have no certificates. A private PostgreSQL (initdb and
// pg_ctl as the postgres user, durable defaults: fsync and synchronous_commit on), one database per run. N workers,
// edgehub serve --store ... --broker mqtt://edgehub-ingest@...
var SoakIngestUser = "edgehub-ingest";

sealed class SoakPostgres
{
    public string Directory { get; init; }
    public int Port { get; init; }
    public int Databases { get; set; }
}

string PgBin(string tool) => $"/usr/lib/postgresql/15/bin/{tool}";

void RunAsPostgres(string program, string arguments)
{
    var code = StartProcess("runuser", new ProcessSettings { Arguments = $"-u postgres -- {program} {arguments}" });
    if (code != 0)
    {
        throw new CakeException($"{program} {arguments} (as postgres) exited {code}");
    }
}

SoakPostgres StartSoakPostgres()
{
    EnsureAptPackages("the scale-out soak", "postgresql", "mosquitto");
    var dir = System.IO.Directory.CreateTempSubdirectory("edgeagent-soak-pg-").FullName;
    System.IO.Directory.CreateDirectory(System.IO.Path.Combine(dir, "sock"));
    StartProcess("chown", new ProcessSettings { Arguments = $"-R postgres:postgres {dir}" });
    RunAsPostgres(PgBin("initdb"), $"-D {dir}/data -U edgehub --auth=trust -E UTF8 --locale=C");
    var port = FreeLoopbackPort();
    RunAsPostgres(PgBin("pg_ctl"), $"start -w -t 60 -D {dir}/data -l {dir}/server.log -o \"-p {port} -h 127.0.0.1 -k {dir}/sock -c max_connections=64 -c shared_buffers=256MB\"");
    return new SoakPostgres { Directory = dir, Port = port };
}

string CreateSoakDatabase(SoakPostgres pg)
{
    var name = $"soak_{++pg.Databases}";
    RunAsPostgres(PgBin("createdb"), $"-h {pg.Directory}/sock -p {pg.Port} -U edgehub {name}");
    return $"postgres://edgehub@127.0.0.1:{pg.Port}/{name}";
}

void StopSoakPostgres(SoakPostgres pg)
{
    RunAsPostgres(PgBin("pg_ctl"), $"stop -w -m fast -D {pg.Directory}/data");
    System.IO.Directory.Delete(pg.Directory, recursive: true);
}

Background StartCityMosquitto(string dir, int port, string password)
{
    System.IO.Directory.CreateDirectory(System.IO.Path.Combine(dir, "persist"));
    var passwd = System.IO.Path.Combine(dir, "passwd");
    if (StartProcess("/usr/bin/mosquitto_passwd", new ProcessSettings { Arguments = $"-c -b {passwd} {SoakIngestUser} {password}" }) != 0)
    {
        throw new CakeException("mosquitto_passwd failed");
    }

    var acl = System.IO.Path.Combine(dir, "acl");
    System.IO.File.WriteAllText(acl, System.IO.File.ReadAllText(repoRoot.CombineWithFilePath("hardware/city-scale/acl").FullPath) +
        "\n# soak only: anonymous devices (no certificate, no user name) by their client id\n" +
        "pattern write ea/v1/+/%c/evt\npattern write ea/v1/+/%c/clock\npattern write ea/v1/+/%c/state\npattern read ea/v1/+/%c/ack\npattern read ea/v1/+/%c/cmd/#\n");
    var shipped = System.IO.File.ReadAllText(repoRoot.CombineWithFilePath("hardware/city-scale/mosquitto.conf").FullPath);
    var tls = shipped.IndexOf("\nlistener 8883", StringComparison.Ordinal);
    var config = (tls < 0 ? shipped : shipped[..tls])
        .Replace("listener 1883 127.0.0.1", $"listener {port} 127.0.0.1")
        .Replace("allow_anonymous false", "allow_anonymous true")
        .Replace("persistence_location /var/lib/mosquitto/", $"persistence_location {dir}/persist/")
        .Replace("/etc/mosquitto/edgehub/passwd", passwd)
        .Replace("/etc/mosquitto/edgehub/acl", acl);
    var conf = System.IO.Path.Combine(dir, "mosquitto.conf");
    System.IO.File.WriteAllText(conf, config);
    // Mosquitto drops root for its own user before it reads the password file and the ACL and writes persistence.
    StartProcess("chown", new ProcessSettings { Arguments = $"-R mosquitto {dir}" });
    StartProcess("chmod", new ProcessSettings { Arguments = $"755 {dir}" });
    var broker = Background.StartExecutable("mosquitto", "bash", $"-c \"ulimit -n $(ulimit -Hn) && exec /usr/sbin/mosquitto -c {conf}\"", dir, echo: false);
    broker.WaitForLine(l => l.Contains($"listen socket on port {port}"), TimeSpan.FromSeconds(30));
    return broker;
}

SoakHub ScaleOutSoakHub(SoakPostgres pg, string label, int workers, bool killOne, double minutes, string password) => new SoakHub
{
    Label = label,
    Description = $"scale-out: Mosquitto (hardware/city-scale/mosquitto.conf) + PostgreSQL + {workers} edgehub serve --store worker(s){(killOne ? ", one SIGKILLed half way" : "")}",
    Store = site => $"--store {CreateSoakDatabase(pg)}",
    Start = (site, store, port) =>
    {
        var dir = System.IO.Directory.CreateTempSubdirectory("edgeagent-soak-mosquitto-").FullName;
        var processes = new List<Background> { StartCityMosquitto(dir, port, password) };
        Environment.SetEnvironmentVariable("EDGEHUB_MQTT_PASSWORD", password); // inherited by the workers, never on a command line
        for (var i = 1; i <= workers; i++)
        {
            // In the site: a worker keeps its hub CA files in its working directory, which must not be the repository.
            var worker = Background.StartExecutable($"worker w{i}", "dotnet", $"{MakeAbsolute(File(HubDll(configuration))).FullPath} serve {store} --broker mqtt://{SoakIngestUser}@127.0.0.1:{port} --worker-id w{i}", MakeAbsolute(site).FullPath, echo: false);
            worker.WaitForLine(l => l.Contains("Ingestion connected to"), TimeSpan.FromSeconds(60));
            processes.Add(worker);
        }

        return processes;
    },
    CountsArguments = store => store.Replace("--store ", "--hub-store "),
    KillIndex = killOne ? workers : null, // the last worker (index 0 is Mosquitto)
    KillAfterSeconds = minutes * 60 / 2,
};

// Three runs of the same fleet on the scale-out hub: 1 worker, 2 workers (the throughput the second worker adds) and 2 of
// which one is SIGKILLed half way (every record stored exactly once: the store's count against edgesim's made and
// acknowledged, no rejection). Writes artifacts/bench/soak-scaleout.json.
void RunScaleOutSoak(int devices, double rate, double minutes, double ramp)
{
    var pg = StartSoakPostgres();
    var password = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
    var runs = new System.Text.Json.Nodes.JsonObject();
    try
    {
        var fleetSite = ResetBenchSite("soak-scaleout-fleet");
        var fleet = fleetSite.Combine("fleet");
        RequireSuccess(RunProgram("edgesim", SimDll(configuration), $"provision --dir {fleet} --devices {devices}"));
        foreach (var (label, workers, killOne) in new[] { ("scaleout-1w", 1, false), ("scaleout-2w", 2, false), ("scaleout-2w-kill", 2, true) })
        {
            var summary = RunSoak(ScaleOutSoakHub(pg, label, workers, killOne, minutes, password), devices, rate, minutes, ramp, fleet);
            var s = System.Text.Json.Nodes.JsonNode.Parse(System.IO.File.ReadAllText(summary.FullPath));
            var made = (long)s["records_made"];
            var stored = (long)s["hub"]["records_stored"];
            runs[label] = new System.Text.Json.Nodes.JsonObject
            {
                ["workers"] = workers,
                ["killed_one_at_s"] = killOne ? (System.Text.Json.Nodes.JsonNode)(minutes * 60 / 2) : null,
                ["connected_peak"] = (long)s["connected_peak"],
                ["connected_held_min_after_ramp"] = (long)s["connected_held_min_after_ramp"],
                ["stored_per_s_after_ramp"] = (double)s["hub"]["stored_per_s_after_ramp"],
                ["records_made"] = made,
                ["records_acknowledged"] = (long)s["records_acknowledged"],
                ["records_unacknowledged"] = (long)s["records_unacknowledged"],
                ["records_stored"] = stored,
                ["rejections"] = s["hub"]["rejections"].DeepClone(),
                ["every_record_stored_once"] = stored == made && (long)s["records_unacknowledged"] == 0 && s["hub"]["rejections"].AsObject().Count == 0,
                ["latency_ms"] = s["latency_ms"].DeepClone(),
                ["rss_mb_first_sample"] = s["hub_memory"]["rss_mb_first_sample"].DeepClone(),
                ["rss_mb_last_sample"] = s["hub_memory"]["rss_mb_last_sample"].DeepClone(),
                ["summary"] = summary.FullPath,
            };
        }
    }
    finally
    {
        StopSoakPostgres(pg);
        var output = artifacts.Combine("bench").CombineWithFilePath("soak-scaleout.json");
        var result = new System.Text.Json.Nodes.JsonObject
        {
            ["devices"] = devices,
            ["rate_per_device"] = rate,
            ["duration_s"] = minutes * 60,
            ["ramp_s"] = ramp,
            ["broker"] = "mosquitto (hardware/city-scale/mosquitto.conf; devices anonymous on the password listener, no TLS listener)",
            ["store"] = "postgresql 15, private, fsync on",
            ["runs"] = runs,
        };
        System.IO.File.WriteAllText(output.FullPath, result.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}

void PrintScaleOutSummary(FilePath summary)
{
    if (!FileExists(summary))
    {
        return;
    }

    var s = JsonDocument.Parse(System.IO.File.ReadAllText(summary.FullPath)).RootElement;
    var lines = new List<string>
    {
        "",
        $"Scale-out soak summary ({summary.GetFilename()}; {s.GetProperty("devices").GetInt32()} devices, {s.GetProperty("rate_per_device").GetDouble()} records/s each, {s.GetProperty("duration_s").GetDouble():F0} s per run; {s.GetProperty("broker").GetString()}; {s.GetProperty("store").GetString()}):",
    };
    foreach (var run in s.GetProperty("runs").EnumerateObject())
    {
        var r = run.Value;
        lines.Add($"  {run.Name}: connections held {r.GetProperty("connected_held_min_after_ramp").GetInt64()} (peak {r.GetProperty("connected_peak").GetInt64()}); stored (verified) after the ramp {r.GetProperty("stored_per_s_after_ramp").GetDouble():F0} records/s; " +
            $"made {r.GetProperty("records_made").GetInt64()}, acknowledged {r.GetProperty("records_acknowledged").GetInt64()}, stored {r.GetProperty("records_stored").GetInt64()}, rejections {string.Join(", ", r.GetProperty("rejections").EnumerateObject().Select(e => $"{e.Name} {e.Value.GetInt64()}").DefaultIfEmpty("none"))}; " +
            $"every record stored once: {r.GetProperty("every_record_stored_once").GetBoolean()}; p99 record -> ack {r.GetProperty("latency_ms").GetProperty("p99")} ms");
    }

    lines.Add($"  (load average at the end: {System.IO.File.ReadAllText("/proc/loadavg").Trim()})");
    foreach (var line in lines)
    {
        Information(line);
    }

    System.IO.File.WriteAllLines(summary.ChangeExtension(".txt").FullPath, lines);
}

void PrintSoakSummary(FilePath summary)
{
    if (!FileExists(summary))
    {
        Warning($"no soak summary at {summary}");
        return;
    }

    var s = JsonDocument.Parse(System.IO.File.ReadAllText(summary.FullPath)).RootElement;
    var hub = s.GetProperty("hub");
    var memory = s.GetProperty("hub_memory");
    string Mb(JsonElement array) => string.Join("+", array.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Null ? "gone" : e.GetDouble().ToString("F0", System.Globalization.CultureInfo.InvariantCulture)));
    var samples = s.GetProperty("samples").EnumerateArray().Where(e => e.TryGetProperty("hub_rss_mb", out _)).ToList();
    var between = samples.Where((_, i) => i % Math.Max(1, samples.Count / 6) == 0).Select(e => $"{e.GetProperty("t_s").GetDouble():F0}s {Mb(e.GetProperty("hub_rss_mb"))}");
    var lines = new List<string>
    {
        "",
        $"Soak summary ({summary.GetFilename()}; targets are benchmarks, not tests):",
        $"  devices {s.GetProperty("devices").GetInt32()}, {s.GetProperty("rate_per_device").GetDouble()} records/s each, {s.GetProperty("duration_s").GetDouble():F0} s (ramp {s.GetProperty("ramp_s").GetDouble():F0} s), broker {s.GetProperty("broker").GetString()}",
        $"  connections: peak {s.GetProperty("connected_peak").GetInt64()}, held after the ramp (least sampled) {s.GetProperty("connected_held_min_after_ramp").GetInt64()}   (target >= 10000)",
        $"  hub stored (verified) after the ramp: {hub.GetProperty("stored_per_s_after_ramp").GetDouble():F0} records/s over {hub.GetProperty("window_s").GetDouble():F0} s; {hub.GetProperty("records_stored").GetInt64()} stored in all   (target >= 20000/s)",
        $"  made {s.GetProperty("records_made").GetInt64()}, acknowledged {s.GetProperty("records_acknowledged").GetInt64()}, left unacknowledged {s.GetProperty("records_unacknowledged").GetInt64()}; rejections {hub.GetProperty("rejections")}",
        $"  batches sent {s.GetProperty("batches_sent").GetInt64()} (resends included), refused as over quota by the hub's full queue {s.GetProperty("batches_refused_over_quota").GetInt64()} (each offered again)",
        $"  record -> acknowledgement: p50 {s.GetProperty("latency_ms").GetProperty("p50")} ms, p99 {s.GetProperty("latency_ms").GetProperty("p99")} ms, max {s.GetProperty("latency_ms").GetProperty("max")} ms",
        $"  hub RSS MB: before {Mb(memory.GetProperty("rss_mb_before_start"))}, then {string.Join(", ", between)}, end {Mb(memory.GetProperty("rss_mb_last_sample"))}",
        $"  (load average at the end: {System.IO.File.ReadAllText("/proc/loadavg").Trim()}; {Environment.ProcessorCount} cores; simulator and hub share them)",
    };
    foreach (var line in lines)
    {
        Information(line);
    }

    System.IO.File.WriteAllLines(summary.ChangeExtension(".txt").FullPath, lines);
}

// ---------------------------------------------------------------------------------------------------------
// Footprint (BenchFootprint, and Bench): the published NativeAOT x64 agent's resident memory and start to first
// inference, beside a plain ONNX Runtime C# program holding the same model (tests/EdgeAgent.Inference.Onnx.BaselineHost,
// published the same way), measured in the same run; package and publish sizes; other agents' published minimums.
// ---------------------------------------------------------------------------------------------------------

var FootprintRssTargetMb = 60.0;
var FirstInferenceTargetS = 0.5;
var FirstInferenceRuns = 7;

// Other agents' published minimums, printed as anchors (not measured here).
var FootprintAnchors = new (string Name, double Mb, string Source)[]
{
    ("AWS IoT Greengrass nucleus (Java), without inference", 96, "AWS: the nucleus requires a minimum of 96 MB RAM (Greengrass V2 device requirements; AWS IoT blog on nucleus lite, 2025)"),
    ("AWS IoT Greengrass nucleus lite (C), without inference", 15, "about 15 MB, the figure of issue #8 (AWS's nucleus lite announcement states under 5 MB RAM for the runtime alone)"),
};

void RunFootprintBench()
{
    var bench = artifacts.Combine("bench");
    var site = ResetBenchSite("footprint");
    var publishSeconds = new Dictionary<string, double>
    {
        ["edgeagent linux-x64"] = Math.Round(PublishApp("src/EdgeAgent.Device", "edgeagent", "linux-x64").TotalSeconds, 1),
        ["baseline linux-x64"] = Math.Round(PublishApp("tests/EdgeAgent.Inference.Onnx.BaselineHost", "baseline", "linux-x64", site.Combine("publish")).TotalSeconds, 1),
    };
    var agent = MakeAbsolute(artifacts.CombineWithFilePath("publish/linux-x64/edgeagent/edgeagent")).FullPath;
    var baseline = MakeAbsolute(site.CombineWithFilePath("publish/linux-x64/baseline/EdgeAgent.Inference.Onnx.BaselineHost")).FullPath;
    var model = MakeAbsolute(GetFiles("models/.cache/blazeface/*.onnx").Single()).FullPath;
    var inputs = DemoInputs();
    string Input(string file) => MakeAbsolute(inputs.CombineWithFilePath(file)).FullPath;
    string Pipeline(int i, string name, string file) =>
        $"--set Models:Pipelines:{i}:Model={name} --set Models:Pipelines:{i}:Input={Input(file)} --set Models:Pipelines:{i}:Interval=00:00:01";

    var resident = new Dictionary<string, object>();
    var db = site.CombineWithFilePath("edgehub.db");
    var state = site.Combine("device");
    RequireSuccess(RunNative("edgeagent", agent, $"provision --device BENCH-FP-0001 --product smart-glasses --consent --state-dir {state}"));
    RequireSuccess(RunHub($"devices enroll --device BENCH-FP-0001 --product smart-glasses --key {state.CombineWithFilePath("device-key.pub.pem")} --db {db}"));
    var port = FreeLoopbackPort();
    Background hub = null;
    try
    {
        hub = Background.Start("edgehub", HubDll(configuration), $"serve --db {db} --http 127.0.0.1:0 --listen 127.0.0.1:{port}", repoRoot.FullPath);
        hub.WaitForLine(l => l.StartsWith("edgehub: listening on"), TimeSpan.FromSeconds(60));
        var run = $"run --state-dir {state} --set Mqtt:Broker=mqtt://127.0.0.1:{port}";
        var all = $"{Pipeline(0, "silero-vad", "speech.wav")} {Pipeline(1, "blazeface", "astronaut.png")} {Pipeline(2, "ppocr", "bw_text.png")}";
        resident["idle"] = AgentRss("idle (connected, no model)", agent, run, state);
        resident["blazeface"] = AgentRss("blazeface (a pipeline on a photo every second)", agent, $"{run} {Pipeline(0, "blazeface", "astronaut.png")}", state);
        resident["all_models"] = AgentRss("every catalog model (silero-vad, blazeface, ppocr: one pipeline each)", agent, $"{run} {all}", state);
        resident["framework_dependent_blazeface"] = AgentRss("framework-dependent build (dotnet edgeagent.dll), blazeface", "dotnet", $"{AgentDll(configuration)} {run} {Pipeline(0, "blazeface", "astronaut.png")}", state);
    }
    finally
    {
        StopAll(hub);
    }

    using (var plain = Background.StartExecutable("baseline", baseline, model, repoRoot.FullPath, echo: true))
    {
        plain.WaitForLine(l => l.StartsWith("inference:"), TimeSpan.FromSeconds(60));
        resident["baseline_blazeface"] = SettledRss("plain ONNX Runtime program holding blazeface", plain);
        plain.Terminate(TimeSpan.FromSeconds(30));
    }

    var photo = Input("astronaut.png");
    var firstInference = new Dictionary<string, object>
    {
        ["agent"] = TimeToFirstLine(agent, $"infer --model blazeface --input {photo}"),
        ["baseline"] = TimeToFirstLine(baseline, $"{model} --exit"),
        ["framework_dependent"] = TimeToFirstLine("dotnet", $"{AgentDll(configuration)} infer --model blazeface --input {photo}"),
    };

    var packages = FootprintPackages();
    var published = new System.IO.DirectoryInfo(artifacts.Combine("publish").FullPath).GetDirectories()
        .SelectMany(r => r.GetDirectories().Select(app => (Rid: r.Name, App: app)))
        .OrderBy(p => p.Rid, StringComparer.Ordinal).ThenBy(p => p.App.Name, StringComparer.Ordinal)
        .Select(p =>
        {
            var files = p.App.GetFiles("*", System.IO.SearchOption.AllDirectories);
            return new Dictionary<string, object> { ["app"] = p.App.Name, ["runtime"] = p.Rid, ["mb"] = Math.Round(files.Sum(f => f.Length) / 1048576.0, 1), ["files"] = files.Length };
        }).ToList();
    var result = new Dictionary<string, object>
    {
        ["agent"] = "artifacts/publish/linux-x64/edgeagent (NativeAOT)",
        ["baseline"] = "tests/EdgeAgent.Inference.Onnx.BaselineHost (NativeAOT): InferenceSession for blazeface, one inference on a constant input, then idle",
        ["resident_mb"] = resident,
        ["first_inference_s"] = firstInference,
        ["targets"] = new Dictionary<string, object> { ["resident_blazeface_mb"] = FootprintRssTargetMb, ["first_inference_s"] = FirstInferenceTargetS },
        ["anchors_mb"] = FootprintAnchors.Select(a => new Dictionary<string, object> { ["name"] = a.Name, ["mb"] = a.Mb, ["source"] = a.Source }).ToList(),
        ["packages"] = packages,
        ["publish"] = published,
        ["publish_seconds"] = publishSeconds,
        ["cores"] = Environment.ProcessorCount,
        ["load_average_at_end"] = System.IO.File.ReadAllText("/proc/loadavg").Trim(),
    };
    EnsureDirectoryExists(bench);
    System.IO.File.WriteAllText(bench.CombineWithFilePath("footprint.json").FullPath, JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
}

// The Debian packages in artifacts/packages, with the compression of each (data.tar.xz ships; PackageAmd64's gzip pair is
// for the package tests). When the amd64 pair is missing it is built here, as the release builds it (xz, eng/deb/
// packages.cake), so that the bench always reports the size a device downloads.
List<Dictionary<string, object>> FootprintPackages()
{
    var folder = artifacts.Combine("packages");
    bool Has(string package) => System.IO.Directory.Exists(folder.FullPath)
        && System.IO.Directory.GetFiles(folder.FullPath, $"{package}_*_amd64.deb").Length > 0;
    if (!Has("edgeagent") || !Has("edgehub"))
    {
        Information("footprint: the amd64 packages are missing in artifacts/packages; building them (xz, as released)");
        BuildDebs(DebArches.Where(a => a.Arch == "amd64"), DebRelease);
    }

    return new System.IO.DirectoryInfo(folder.FullPath).GetFiles("*.deb").OrderBy(f => f.Name, StringComparer.Ordinal)
        .Select(f => new Dictionary<string, object> { ["file"] = f.Name, ["mb"] = Math.Round(f.Length / 1048576.0, 2), ["data"] = DebDataMember(f.FullName) })
        .ToList();
}

// The name of a .deb's data member (data.tar.xz, data.tar.gz, ...): a .deb is an ar archive (deb(5)) of debian-binary,
// control.tar.* and data.tar.*, each after a 60-byte header whose first 16 bytes are the name.
string DebDataMember(string deb)
{
    using var stream = System.IO.File.OpenRead(deb);
    var header = new byte[60];
    stream.Position = 8; // "!<arch>\n"
    while (stream.Read(header, 0, 60) == 60)
    {
        var name = System.Text.Encoding.ASCII.GetString(header, 0, 16).Trim().TrimEnd('/');
        if (name.StartsWith("data.tar", StringComparison.Ordinal))
        {
            return name;
        }

        var size = long.Parse(System.Text.Encoding.ASCII.GetString(header, 48, 10).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        stream.Position += size + (size % 2); // members are padded to an even offset
    }

    throw new CakeException($"{deb} has no data.tar member: not a Debian package");
}

// A program of ours run to completion from the repository root (a published executable, not `dotnet x.dll`).
AgentRun RunNative(string name, string executable, string programArguments) => RunEchoed(name, executable, "", programArguments);

// `edgeagent run` connected to the bench's hub, until its resident memory settles; then stopped with SIGTERM (it must
// exit 0, as under systemd).
Dictionary<string, object> AgentRss(string label, string executable, string programArguments, DirectoryPath state)
{
    using var agent = Background.StartExecutable($"edgeagent ({label})", executable, programArguments, repoRoot.FullPath, echo: false);
    agent.WaitForLine(l => l.Contains("Agent started"), TimeSpan.FromSeconds(60));
    WaitForConnected(state, agent, TimeSpan.FromSeconds(60));
    // The agent gives back the pages only its start touched 10 s after its models loaded (Agent:ReleaseStartupPages;
    // README, Publish): the figure is the running agent's, so it is read from then on (the peak includes the start).
    var released = agent.WaitForLine(l => l.Contains("pages only the start touched"), TimeSpan.FromSeconds(90));
    Information($"edgeagent ({label}): {released.Trim()}");
    var rss = SettledRss(label, agent);
    agent.Terminate(TimeSpan.FromSeconds(30));
    return rss;
}

// VmRSS (proc(5): resident set, kB) every 0.5 s until the last 10 samples lie within 5% (at least 2 MB) of each
// other, after at least 10 s (the pipelines' first calls, the clock sync and the first status file fall in that
// time); at most 90 s (a pipeline calling every second swings by 1-3 MB). Reports the median of the last 10 samples,
// the peak (VmHWM) and where the resident memory is (Rss per mapping from /proc/PID/smaps, the largest six).
Dictionary<string, object> SettledRss(string label, Background program)
{
    var samples = new List<double>();
    var watch = System.Diagnostics.Stopwatch.StartNew();
    while (true)
    {
        System.Threading.Thread.Sleep(500);
        samples.Add(ProcStatusKb(program.Id, "VmRSS") / 1024.0);
        var last = samples.TakeLast(10).OrderBy(v => v).ToList();
        var settled = samples.Count >= 20 && last[^1] - last[0] <= Math.Max(2.0, 0.05 * last.Average());
        if (settled || watch.Elapsed > TimeSpan.FromSeconds(90))
        {
            var result = new Dictionary<string, object>
            {
                ["settled_mb"] = Math.Round((last[4] + last[5]) / 2, 1),
                ["peak_mb"] = Math.Round(ProcStatusKb(program.Id, "VmHWM") / 1024.0, 1),
                ["settled"] = settled,
                ["sampled_s"] = Math.Round(watch.Elapsed.TotalSeconds, 1),
                ["threads"] = ProcStatusKb(program.Id, "Threads"),
                // VmRSS split as proc(5) does: anonymous memory (heaps, stacks: the process's own) and file pages (code and
                // constant data mapped from the executable and libraries, clean copies the kernel may drop and read again).
                ["anon_mb"] = Math.Round(ProcStatusKb(program.Id, "RssAnon") / 1024.0, 1),
                ["file_mb"] = Math.Round(ProcStatusKb(program.Id, "RssFile") / 1024.0, 1),
                ["by_mapping_mb"] = ResidentByMapping(program.Id),
            };
            Information($"resident, {label}: {result["settled_mb"]} MB settled ({(settled ? "stable" : "NOT stable")} after {result["sampled_s"]} s), peak {result["peak_mb"]} MB, {result["threads"]} threads");
            return result;
        }
    }
}

// Rss summed per mapped file (anonymous memory: heaps, stacks, ONNX Runtime's and the GC's allocations as "[anon]"), the
// six largest, in MB.
Dictionary<string, double> ResidentByMapping(int pid)
{
    var kb = new Dictionary<string, long>();
    var current = "[anon]";
    foreach (var line in System.IO.File.ReadLines($"/proc/{pid}/smaps"))
    {
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length >= 5 && fields[0].Contains('-') && !fields[0].EndsWith(":"))
        {
            var path = fields.Length >= 6 ? fields[5] : "[anon]";
            current = path.StartsWith("/") ? System.IO.Path.GetFileName(path) : "[anon]";
        }
        else if (fields.Length >= 2 && fields[0] == "Rss:")
        {
            kb[current] = kb.GetValueOrDefault(current) + long.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    return kb.OrderByDescending(e => e.Value).Take(6).ToDictionary(e => e.Key, e => Math.Round(e.Value / 1024.0, 1));
}

// A numeric field of /proc/PID/status ("VmRSS:   42156 kB" gives 42156).
long ProcStatusKb(int pid, string field)
{
    var line = System.IO.File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith(field + ":"));
    return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
}

// Wall time from starting the process to its first line on standard output (the result), over FirstInferenceRuns runs
// after one unmeasured run (which warms the page cache, as on a device that has run before); each must exit 0.
Dictionary<string, object> TimeToFirstLine(string executable, string programArguments)
{
    var times = new List<double>();
    Information($"> {executable} {programArguments}  (1 + {FirstInferenceRuns} runs, timed to the first line of output)");
    for (var i = 0; i <= FirstInferenceRuns; i++)
    {
        var start = new System.Diagnostics.ProcessStartInfo(executable, programArguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = repoRoot.FullPath,
        };
        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var process = System.Diagnostics.Process.Start(start);
        var errors = process.StandardError.ReadToEndAsync();
        var first = process.StandardOutput.ReadLine();
        watch.Stop();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 || first is null)
        {
            throw new CakeException($"`{executable} {programArguments}` exited with code {process.ExitCode}: {errors.Result}");
        }

        if (i > 0)
        {
            times.Add(watch.Elapsed.TotalSeconds);
        }
    }

    var sorted = times.OrderBy(t => t).ToList();
    var median = Math.Round(sorted[sorted.Count / 2], 3);
    Information($"  start to first result: median {median:F3} s (min {sorted[0]:F3}, max {sorted[^1]:F3})");
    return new Dictionary<string, object> { ["median_s"] = median, ["runs_s"] = times.Select(t => Math.Round(t, 3)).ToList() };
}

void PrintFootprintSummary()
{
    var bench = artifacts.Combine("bench");
    var f = JsonDocument.Parse(System.IO.File.ReadAllText(bench.CombineWithFilePath("footprint.json").FullPath)).RootElement;
    var rss = f.GetProperty("resident_mb");
    var first = f.GetProperty("first_inference_s");
    double Rss(string name) => rss.GetProperty(name).GetProperty("settled_mb").GetDouble();
    double First(string name) => first.GetProperty(name).GetProperty("median_s").GetDouble();
    string Verdict(double value, double target) => value <= target ? "PASS" : "MISS";
    var baselineRss = Rss("baseline_blazeface");
    var baselineFirst = First("baseline");
    var lines = new List<string>
    {
        "",
        "Footprint (published NativeAOT x64 agent, this machine, this run; baseline: a plain ONNX Runtime C# program holding blazeface, NativeAOT too):",
        $"  {"measure",-66} {"value",9} {"baseline",10} {"ratio",6}  target",
        $"  {"resident, idle agent (connected to a hub, no model), MB",-66} {Rss("idle"),9:F1} {"-",10} {"-",6}  -",
        $"  {"resident, blazeface loaded (pipeline on a photo every second), MB",-66} {Rss("blazeface"),9:F1} {baselineRss,10:F1} {Rss("blazeface") / baselineRss,6:F2}  <= {FootprintRssTargetMb} MB: {Verdict(Rss("blazeface"), FootprintRssTargetMb)}",
        $"  {"resident, every catalog model (silero-vad, blazeface, ppocr), MB",-66} {Rss("all_models"),9:F1} {"-",10} {"-",6}  -",
        $"  {"resident, blazeface, framework-dependent build (for comparison), MB",-66} {Rss("framework_dependent_blazeface"),9:F1} {baselineRss,10:F1} {Rss("framework_dependent_blazeface") / baselineRss,6:F2}  -",
        $"  {$"start -> first inference, `infer --model blazeface`, s (median of {FirstInferenceRuns})",-66} {First("agent"),9:F3} {baselineFirst,10:F3} {First("agent") / baselineFirst,6:F2}  <= {FirstInferenceTargetS} s: {Verdict(First("agent"), FirstInferenceTargetS)}",
        $"  {"start -> first inference, framework-dependent build, s",-66} {First("framework_dependent"),9:F3} {baselineFirst,10:F3} {First("framework_dependent") / baselineFirst,6:F2}  -",
    };
    string Where(string name) => $"anonymous {rss.GetProperty(name).GetProperty("anon_mb").GetDouble():F1}, file pages {rss.GetProperty(name).GetProperty("file_mb").GetDouble():F1}; "
        + string.Join(", ", rss.GetProperty(name).GetProperty("by_mapping_mb").EnumerateObject().Select(m => $"{m.Name} {m.Value.GetDouble():F1}"));
    lines.Add($"  where (MB by mapping), blazeface agent: {Where("blazeface")}");
    lines.Add($"  where (MB by mapping), baseline:        {Where("baseline_blazeface")}");
    foreach (var anchor in f.GetProperty("anchors_mb").EnumerateArray())
    {
        lines.Add($"  anchor: {anchor.GetProperty("name").GetString()}: {anchor.GetProperty("mb").GetDouble():F0} MB ({anchor.GetProperty("source").GetString()})");
    }

    var packages = f.GetProperty("packages").EnumerateArray().Select(p => $"{p.GetProperty("file").GetString()} {p.GetProperty("mb").GetDouble():F1} MB ({p.GetProperty("data").GetString()})").ToList();
    lines.Add($"  packages (artifacts/packages): {string.Join(", ", packages)}");
    lines.Add($"  publish folders: {string.Join(", ", f.GetProperty("publish").EnumerateArray().Select(p => $"{p.GetProperty("runtime").GetString()}/{p.GetProperty("app").GetString()} {p.GetProperty("mb").GetDouble():F1} MB ({p.GetProperty("files").GetInt32()} files)"))}");
    lines.Add($"  publish times this run: {string.Join(", ", f.GetProperty("publish_seconds").EnumerateObject().Select(p => $"{p.Name} {p.Value.GetDouble():F0} s"))}");
    lines.Add($"  (load average at the end: {f.GetProperty("load_average_at_end").GetString()}; {f.GetProperty("cores").GetInt32()} cores)");
    foreach (var line in lines)
    {
        Information(line);
    }

    System.IO.File.WriteAllLines(bench.CombineWithFilePath("footprint.txt").FullPath, lines);
}

// Sample inputs, none committed: photographs (a face, a cat, a page of text) from Debian's python3-skimage package,
// taken out of the .deb without installing it, and a sentence spoken by espeak-ng.
DirectoryPath DemoInputs()
{
    EnsureAptPackages("the demo's speech sample", "espeak-ng");
    EnsureAptLists();
    var inputs = artifacts.Combine("demo/inputs");
    var debs = artifacts.Combine("demo/debs");
    EnsureDirectoryExists(inputs);
    EnsureDirectoryExists(debs);
    var data = debs.Combine("python3-skimage/usr/lib/python3/dist-packages/skimage/data");
    if (!FileExists(data.CombineWithFilePath("astronaut.png")))
    {
        RequireZero("apt-get", "download python3-skimage", debs);
        var deb = GetFiles($"{debs}/python3-skimage_*.deb").First();
        RequireZero("dpkg-deb", $"-x {deb} {debs.Combine("python3-skimage")}", debs);
    }

    foreach (var photo in new[] { "astronaut.png", "chelsea.png", "bw_text.png" })
    {
        CopyFile(data.CombineWithFilePath(photo), inputs.CombineWithFilePath(photo));
    }

    RequireZero("espeak-ng", $"-w {inputs.CombineWithFilePath("speech.wav")} \"EdgeAgent records every activation. The hub verifies each record.\"", inputs);
    return inputs;
}

void RequireZero(string tool, string toolArguments, DirectoryPath workingDirectory)
{
    Information($"> {tool} {toolArguments}");
    var exitCode = StartProcess(tool, new ProcessSettings { Arguments = toolArguments, WorkingDirectory = workingDirectory });
    if (exitCode != 0)
    {
        throw new CakeException($"`{tool} {toolArguments}` exited with code {exitCode}");
    }
}

// Installs what eng/arm64/run.sh needs (qemu-user-static, Debian's arm64 libraries) and checks root and the mount
// namespace: `eng/arm64/run.sh --install-only`. Where the stage cannot run, Test goes on (its tests skip, naming the
// reason) and Arm64 (requireIt) stops.
void PrepareArm64(bool requireIt)
{
    Information("> eng/arm64/run.sh --install-only");
    var watch = System.Diagnostics.Stopwatch.StartNew();
    var exitCode = StartProcess(arm64Runner.FullPath, new ProcessSettings { Arguments = "--install-only", WorkingDirectory = repoRoot });
    watch.Stop();
    if (exitCode == 0)
    {
        Information($"ARM64 stage ready ({watch.Elapsed.TotalSeconds:F1} s)");
    }
    else if (requireIt)
    {
        throw new CakeException($"the ARM64 stage cannot run on this machine (eng/arm64/run.sh --install-only exited with {exitCode}; the reason is above)");
    }
    else
    {
        Warning($"ARM64 stage NOT RUNNABLE here (eng/arm64/run.sh --install-only exited with {exitCode}; the reason is above): its tests will be skipped");
    }
}

// Each skipped test of the trx files with its reason (xUnit's skips are "NotExecuted" results, the reason their message).
List<string> SkippedTests(IEnumerable<string> trxFiles)
{
    XNamespace ns = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";
    return trxFiles
        .SelectMany(path => XDocument.Load(path).Root.Descendants(ns + "UnitTestResult"))
        .Where(r => (string)r.Attribute("outcome") == "NotExecuted")
        .Select(r => $"{(string)r.Attribute("testName")}: {r.Element(ns + "Output")?.Element(ns + "ErrorInfo")?.Element(ns + "Message")?.Value.Trim()}")
        .ToList();
}

// forRuntime overrides --runtime (PublishArm64 always publishes linux-arm64); outputRoot overrides artifacts/publish (the
// footprint benchmark's baseline goes under artifacts/bench). A project with PublishAot in its csproj (edgeagent) needs
// clang, installed here. Returns the time `dotnet publish` took.
TimeSpan PublishApp(string project, string name, string forRuntime = null, DirectoryPath outputRoot = null)
{
    var rid = forRuntime ?? runtime;
    var nativeAot = IsNativeAot(project);
    if (nativeAot)
    {
        EnsureNativeAotToolchain(rid);
    }

    var output = (outputRoot ?? artifacts.Combine("publish")).Combine($"{rid}/{name}");
    EnsureDirectoryDoesNotExist(output, new DeleteDirectorySettings { Recursive = true, Force = true });
    var watch = System.Diagnostics.Stopwatch.StartNew();
    DotNetPublish(project, new DotNetPublishSettings
    {
        Configuration = "Release",
        Runtime = rid,
        SelfContained = true,
        OutputDirectory = output,
        NoLogo = true,
    });
    watch.Stop();

    var files = new System.IO.DirectoryInfo(output.FullPath).EnumerateFiles("*", System.IO.SearchOption.AllDirectories).ToList();
    Information($"{name} ({rid}, {(nativeAot ? "NativeAOT" : "self-contained")}): {files.Sum(f => f.Length) / 1048576.0:F1} MB in {files.Count} files at {output}, published in {watch.Elapsed.TotalSeconds:F0} s");
    return watch.Elapsed;
}

bool IsNativeAot(string project)
{
    var csproj = System.IO.Directory.GetFiles(MakeAbsolute(Directory(project)).FullPath, "*.csproj").Single();
    return XDocument.Load(csproj).Descendants("PublishAot").Any(e => e.Value.Trim() == "true");
}

// NativeAOT compiles with clang and links with it. linux-arm64 on an x86-64 host is a cross-compilation: clang
// --target=aarch64-linux-gnu against Debian's arm64 multiarch C library and libgcc, linked by lld (the csproj picks it;
// the host's GNU ld links x86-64 only). The ILCompiler packages of both runtimes come from NuGet with the restore.
void EnsureNativeAotToolchain(string rid)
{
    var host = System.Runtime.InteropServices.RuntimeInformation.OSArchitecture;
    var native = (rid, host) is ("linux-x64", System.Runtime.InteropServices.Architecture.X64) or ("linux-arm64", System.Runtime.InteropServices.Architecture.Arm64);
    if (native)
    {
        EnsureAptPackages($"NativeAOT: clang compiles and links edgeagent for {rid}", "clang");
        return;
    }

    if (rid != "linux-arm64")
    {
        throw new CakeException($"a NativeAOT publish for {rid} on a {host} host is not set up; publish it on a {rid} machine.");
    }

    EnsureForeignArchitecture("arm64", "NativeAOT cross-compilation of edgeagent for linux-arm64");
    EnsureAptPackages("NativeAOT cross-compilation of edgeagent for linux-arm64 (clang targets aarch64, lld links it against Debian's arm64 libc and libgcc)",
        "clang", "lld", "libc6-dev:arm64", "libgcc-12-dev:arm64");
}

void EnsureForeignArchitecture(string architecture, string neededFor)
{
    if (Capture("dpkg", "--print-foreign-architectures").Output.Split('\n').Contains(architecture))
    {
        return;
    }

    var byHand = $"dpkg --add-architecture {architecture} && apt-get update";
    if (Capture("id", "-u").Output != "0")
    {
        throw new CakeException($"Debian's {architecture} architecture (needed for {neededFor}) is not enabled, and enabling it needs root. Run by hand: sudo sh -c '{byHand}'");
    }

    Information($"adding Debian's {architecture} architecture (dpkg --add-architecture {architecture}), needed for {neededFor}");
    RequireZero("dpkg", $"--add-architecture {architecture}", repoRoot);
    // The package lists must be read again to know the new architecture's packages.
    aptUpdated = false;
}

void EnsureNode()
{
    var missing = new[] { ("node", "nodejs"), ("npm", "npm") }
        .Where(tool => Context.Tools.Resolve(tool.Item1) is null)
        .Select(tool => tool.Item2)
        .ToArray();
    if (missing.Length > 0)
    {
        EnsureAptPackages("fetching models from npm", missing);
    }

    Information($"node {Capture("node", "--version").Output}, npm {Capture("npm", "--version").Output}");
}

bool aptUpdated = false;

void EnsureAptPackages(string neededFor, params string[] packages)
{
    if (Context.Tools.Resolve("dpkg-query") is null)
    {
        throw new CakeException($"{string.Join(" ", packages)} (needed for {neededFor}) must be installed; this build installs them with apt on Debian or Ubuntu only.");
    }

    var missing = packages.Where(p => !Capture("dpkg-query", $"-W -f=${{Status}} {p}").Output.EndsWith("install ok installed")).ToArray();
    if (missing.Length == 0)
    {
        return;
    }

    var list = string.Join(" ", missing);
    var byHand = $"apt-get update && apt-get install -y --no-install-recommends {list}";
    if (Capture("id", "-u").Output != "0")
    {
        throw new CakeException($"missing Debian packages {list} (needed for {neededFor}); installing them needs root. Run by hand: sudo sh -c '{byHand}'");
    }

    foreach (var package in missing)
    {
        Information($"installing {package} (needed for {neededFor}) with apt-get");
    }

    if (!aptUpdated)
    {
        AptGet("update", byHand);
        aptUpdated = true;
    }

    AptGet($"install -y --no-install-recommends {list}", byHand);
}

void EnsureAptLists()
{
    if (aptUpdated || System.IO.Directory.EnumerateFiles("/var/lib/apt/lists", "*_Packages*").Any())
    {
        return;
    }

    Information("the Debian package lists are empty; updating them for the test inputs taken from Debian packages");
    AptGet("update", "apt-get update");
    aptUpdated = true;
}

void AptGet(string aptArguments, string byHand)
{
    Information($"> apt-get {aptArguments}");
    var exitCode = StartProcess("apt-get", new ProcessSettings
    {
        Arguments = aptArguments,
        EnvironmentVariables = new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" },
    });
    if (exitCode != 0)
    {
        throw new CakeException($"apt-get {aptArguments} failed with exit code {exitCode}. Fix the cause above, then run by hand: {byHand}");
    }
}

(int ExitCode, string Output) Capture(string tool, string toolArguments)
{
    if (Context.Tools.Resolve(tool) is null)
    {
        throw new CakeException($"`{tool}` is not on PATH.");
    }

    var exitCode = StartProcess(tool, new ProcessSettings { Arguments = toolArguments, RedirectStandardOutput = true, RedirectStandardError = true }, out var stdout);
    return (exitCode, string.Join("\n", stdout).Trim());
}

// ---------------------------------------------------------------------------------------------------------
// Test results: the sum of ResultSummary/Counters over every .trx file.
// ---------------------------------------------------------------------------------------------------------

TestSummary testSummary = null;

sealed record TestSummary(int Files, int Total, int Passed, int Failed, IReadOnlyList<string> Failures)
{
    static readonly XNamespace Ns = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";
    static readonly string[] FailedOutcomes = { "Failed", "Error", "Timeout", "Aborted" };

    public static TestSummary Empty { get; } = new(0, 0, 0, 0, Array.Empty<string>());

    public int Skipped => Total - Passed - Failed;

    public string ClosingLine => $"{Passed} passed, {Failed} failed, {Skipped} skipped";

    public static TestSummary Read(IEnumerable<string> trxFiles) => trxFiles.Select(ReadOne).Aggregate(Empty, (a, b) => a.Plus(b));

    TestSummary Plus(TestSummary other) =>
        new(Files + other.Files, Total + other.Total, Passed + other.Passed, Failed + other.Failed, Failures.Concat(other.Failures).ToList());

    static TestSummary ReadOne(string path)
    {
        var root = XDocument.Load(path).Root;
        var counters = root.Element(Ns + "ResultSummary")?.Element(Ns + "Counters");
        int Count(string name) => (int?)counters?.Attribute(name) ?? 0;
        var failures = root.Descendants(Ns + "UnitTestResult")
            .Where(r => FailedOutcomes.Contains((string)r.Attribute("outcome")))
            .Select(r => $"{(string)r.Attribute("testName")}: {r.Element(Ns + "Output")?.Element(Ns + "ErrorInfo")?.Element(Ns + "Message")?.Value.Trim()}")
            .ToList();
        return new(1, Count("total"), Count("passed"), FailedOutcomes.Sum(o => Count(o.ToLowerInvariant())), failures);
    }
}

// ---------------------------------------------------------------------------------------------------------
// Run. For Test, 'N passed, N failed, N skipped' must be the last line of the output. Cake prints its task
// table before RunTarget returns, but a failure's "Error:" line only after the whole script, so for Test the
// error is printed here, then the closing line, and the process exits by itself.
// ---------------------------------------------------------------------------------------------------------

if (!string.Equals(target, "Test", StringComparison.OrdinalIgnoreCase))
{
    RunTarget(target);
    return;
}

var failed = false;
try
{
    RunTarget(target);
}
catch (Exception e)
{
    Error($"Error: {e.Message}");
    failed = true;
}

Console.Out.WriteLine((testSummary ?? TestSummary.Empty).ClosingLine);
if (failed)
{
    Environment.Exit(1);
}
