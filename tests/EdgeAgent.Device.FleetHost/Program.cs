using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using EdgeAgent.Device.Cli;
using EdgeAgent.Device.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// provision --dir DIR --devices N --product P [--prefix SIM-] --keys KEYDIR
//   N state directories DIR/{serial} provisioned with consent by the real `edgeagent provision`; each public key copied
//   to KEYDIR/{serial}.pub.pem for `edgehub devices enroll --key-dir KEYDIR`.
// release --catalog CATALOG --model NAME --version V --out DIR
//   A new build of a catalog model for `edgehub models publish`: DIR/{NAME}-{V}.onnx (the cached file with one more
//   metadata entry, TestKit's OnnxRebuild: other bytes, same graph), DIR/entry.json (the catalog entry with the new hash)
//   and DIR/selftest.json (its self-test vector). Prints the new SHA-256.
// trace --product P --out FILE
//   The demo's recorded trace of product P (DemoTraces): two minutes of sensor, camera and microphone lines, the media
//   named by file beside FILE.
// run --dir DIR [--set Key=Value ...] [--set-for SERIAL,SERIAL,... Key=Value ...]
//   `edgeagent run` for every state directory under DIR, all in this process, until SIGTERM or Ctrl-C; --set-for
//   applies to the named devices only (after --set; tests inject faults into some devices with it). "{device}" in a
//   value is replaced by the directory's serial. Agents log warnings and errors only; start-up errors name the serial.
//   Prints "fleet running N" once every agent's status file exists.
if (args is not [var verb, .. var rest] || verb is not ("provision" or "run" or "release" or "trace"))
{
    Console.Error.WriteLine("usage: provision --dir DIR --devices N --product P [--prefix SIM-] --keys KEYDIR | release --catalog C --model NAME --version V --out DIR | trace --product P --out FILE | run --dir DIR [--set Key=Value ...] [--set-for SERIAL,... Key=Value ...]");
    return 2;
}

string? dir = null, product = null, keys = null, catalog = null, model = null, version = null;
var prefix = "SIM-";
var devices = 0;
var settings = new List<string>();
var targeted = new List<(HashSet<string> Devices, string Setting)>();
for (var i = 0; i < rest.Length; i++)
{
    switch (rest[i])
    {
        case "--dir" when i + 1 < rest.Length: dir = Path.GetFullPath(rest[++i]); break;
        case "--devices" when i + 1 < rest.Length: devices = int.Parse(rest[++i], CultureInfo.InvariantCulture); break;
        case "--product" when i + 1 < rest.Length: product = rest[++i]; break;
        case "--prefix" when i + 1 < rest.Length: prefix = rest[++i]; break;
        case "--keys" when i + 1 < rest.Length: keys = Path.GetFullPath(rest[++i]); break;
        case "--set" when i + 1 < rest.Length: settings.Add(rest[++i]); break;
        case "--catalog" when i + 1 < rest.Length: catalog = Path.GetFullPath(rest[++i]); break;
        case "--model" when i + 1 < rest.Length: model = rest[++i]; break;
        case "--version" when i + 1 < rest.Length: version = rest[++i]; break;
        case "--out" when i + 1 < rest.Length: dir = Path.GetFullPath(rest[++i]); break;
        case "--set-for" when i + 2 < rest.Length: targeted.Add(([.. rest[++i].Split(',')], rest[++i])); break;
        default:
            Console.Error.WriteLine($"unknown argument '{rest[i]}'");
            return 2;
    }
}

if (dir is null)
{
    Console.Error.WriteLine(verb is "release" or "trace" ? "--out is required" : "--dir is required");
    return 2;
}

if (verb == "trace")
{
    var lines = DemoTraces.For(product ?? "").Write(dir);
    Console.WriteLine($"{dir}: {lines} lines");
    return 0;
}

if (verb == "release")
{
    if (catalog is null || model is null || version is null)
    {
        Console.Error.WriteLine("release needs --catalog, --model and --version");
        return 2;
    }

    var entries = JsonNode.Parse(File.ReadAllText(catalog))!["models"]!.AsArray();
    var entry = entries.SingleOrDefault(m => m!["name"]!.GetValue<string>() == model)?.DeepClone();
    if (entry is null)
    {
        Console.Error.WriteLine($"{catalog} has no model '{model}'");
        return 2;
    }

    var pinned = EdgeAgent.Contracts.Catalog.CatalogReader.Load(catalog).Find(model)!;
    var source = new EdgeAgent.Core.Catalog.ModelCache(Path.Combine(Path.GetDirectoryName(catalog)!, ".cache"), new EdgeAgent.Device.Catalog.NpmPackageFetcher()).FilesOf(pinned)[0].LocalPath;
    var bytes = EdgeAgent.TestKit.Onnx.OnnxRebuild.WithMetadata(File.ReadAllBytes(source), "edgeagent.release", version);
    var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
    Directory.CreateDirectory(dir);
    File.WriteAllBytes(Path.Combine(dir, $"{model}-{version}.onnx"), bytes);
    File.Copy(Path.Combine(Path.GetDirectoryName(catalog)!, entry["selfTest"]!.GetValue<string>()), Path.Combine(dir, "selftest.json"), overwrite: true);
    entry["sha256"] = sha;
    entry["selfTest"] = "selftest.json";
    File.WriteAllText(Path.Combine(dir, "entry.json"), entry.ToJsonString());
    Console.WriteLine(sha);
    return 0;
}

if (verb == "provision")
{
    if (devices < 1 || product is null || keys is null)
    {
        Console.Error.WriteLine("provision needs --devices N (1 or more), --product and --keys");
        return 2;
    }

    Directory.CreateDirectory(keys);
    for (var n = 1; n <= devices; n++)
    {
        var serial = string.Create(CultureInfo.InvariantCulture, $"{prefix}{n:0000}");
        var state = Path.Combine(dir, serial);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await EdgeAgentCli.Build().Parse(["provision", "--device", serial, "--product", product, "--consent", "--state-dir", state])
            .InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = output, Error = error });
        if (code != 0)
        {
            Console.Error.WriteLine($"{serial}: edgeagent provision failed ({code}): {error}");
            return code;
        }

        File.Copy(Path.Combine(state, "device-key.pub.pem"), Path.Combine(keys, $"{serial}.pub.pem"), overwrite: true);
    }

    Console.WriteLine($"provisioned {devices} devices of product {product} under {dir}; keys in {keys}");
    return 0;
}

var states = Directory.EnumerateDirectories(dir).Where(d => File.Exists(Path.Combine(d, "device-key.pub.pem"))).Order(StringComparer.Ordinal).ToList();
if (states.Count == 0)
{
    Console.Error.WriteLine($"{dir} holds no provisioned state directory (run provision first)");
    return 2;
}

using var stop = new CancellationTokenSource();
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
var runs = states.Select(state =>
{
    var serial = Path.GetFileName(state);
    var own = settings.Concat(targeted.Where(t => t.Devices.Contains(serial)).Select(t => t.Setting))
        .Select(s => s.Replace("{device}", serial, StringComparison.Ordinal)).Prepend($"Agent:StateDirectory={state}").ToList();
    var error = new PrefixWriter(serial, Console.Error);
    return Task.Run(() => AgentHost.RunAsync([], own, error, (_, services) =>
        services.PostConfigure<LoggerFilterOptions>(o => o.MinLevel = LogLevel.Warning), stop.Token));
}).ToList();

while (!stop.IsCancellationRequested && !states.All(s => File.Exists(Path.Combine(s, "status.json"))))
{
    if (runs.FirstOrDefault(r => r.IsCompleted) is { } ended)
    {
        Console.Error.WriteLine($"an agent stopped at start (exit {(ended.IsCompletedSuccessfully ? ended.Result : -1)}); stopping the fleet");
        await stop.CancelAsync();
        break;
    }

    await Task.Delay(100);
}

if (!stop.IsCancellationRequested)
{
    Console.WriteLine($"fleet running {states.Count}");
}

var codes = await Task.WhenAll(runs);
return codes.Max();

/// <summary>Puts the device's serial before every line an agent writes to standard error.</summary>
internal sealed class PrefixWriter(string prefix, TextWriter inner) : TextWriter
{
    public override System.Text.Encoding Encoding => inner.Encoding;

    public override void Write(char value) => inner.Write(value);

    public override void WriteLine(string? value)
    {
        lock (inner)
        {
            inner.WriteLine($"{prefix}: {value}");
        }
    }
}
