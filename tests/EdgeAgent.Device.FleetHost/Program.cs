using System.Globalization;
using System.Runtime.InteropServices;
using EdgeAgent.Device.Cli;
using EdgeAgent.Device.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// provision --dir DIR --devices N --product P [--prefix SIM-] --keys KEYDIR
//   N state directories DIR/{serial} provisioned with consent by the real `edgeagent provision`; each public key copied
//   to KEYDIR/{serial}.pub.pem for `edgehub devices enroll --key-dir KEYDIR`.
// run --dir DIR [--set Key=Value ...]
//   `edgeagent run` for every state directory under DIR, all in this process, until SIGTERM or Ctrl-C. "{device}" in a
//   value is replaced by the directory's serial. Agents log warnings and errors only; start-up errors name the serial.
//   Prints "fleet running N" once every agent's status file exists.
if (args is not [var verb, .. var rest] || verb is not ("provision" or "run"))
{
    Console.Error.WriteLine("usage: provision --dir DIR --devices N --product P [--prefix SIM-] --keys KEYDIR | run --dir DIR [--set Key=Value ...]");
    return 2;
}

string? dir = null, product = null, keys = null;
var prefix = "SIM-";
var devices = 0;
var settings = new List<string>();
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
        default:
            Console.Error.WriteLine($"unknown argument '{rest[i]}'");
            return 2;
    }
}

if (dir is null)
{
    Console.Error.WriteLine("--dir is required");
    return 2;
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
    var own = settings.Select(s => s.Replace("{device}", serial, StringComparison.Ordinal)).Prepend($"Agent:StateDirectory={state}").ToList();
    var error = new PrefixWriter(serial, Console.Error);
    return Task.Run(() => AgentHost.RunAsync(null, own, error, (_, services) =>
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
