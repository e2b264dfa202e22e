using System.Security.Cryptography;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Hub.Ingestion;
using EdgeAgent.Hub.Store;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeAgent.Fuzz.Targets;

/// <summary>
/// The hub's ingestion of one batch as the broker hands it over: <see cref="IngestionProcessor.Process"/> on a real
/// <see cref="HubStore"/> (SQLite) where GL-0001 of smart-glasses is enrolled with the given key, the same batch twice
/// (the second time every accepted entry is a duplicate). Each call starts from a fresh copy of a template database
/// file (in /dev/shm where there is one), so no input sees another's rows and afl's runs stay stable.
/// </summary>
internal sealed class IngestionStage : IDisposable
{
    public const string Device = "GL-0001";

    public const string Product = "smart-glasses";

    private const string Topic = "ea/v1/smart-glasses/GL-0001/evt";

    private const string Prefix = "edgeagent-fuzz-";

    private readonly string _directory;
    private readonly string _database;
    private readonly byte[] _template;

    public IngestionStage(ECDsa deviceKey)
    {
        ArgumentNullException.ThrowIfNull(deviceKey);
        var root = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        RemoveLeftovers(root);
        _directory = Path.Combine(root, $"{Prefix}{Environment.ProcessId}");
        Directory.CreateDirectory(_directory);
        var template = Path.Combine(_directory, "template.db");
        using (var store = HubStore.Open(template))
        {
            store.Enroll(new DeviceRow(Device, Product, deviceKey.ExportSubjectPublicKeyInfoPem(), Checkpoint.KeyIdOf(deviceKey), 0));
        }

        _template = File.ReadAllBytes(template);
        _database = Path.Combine(_directory, "ingest.db");
    }

    /// <summary>Ingests <paramref name="payload"/> twice from the template; returns the seq the first acknowledgement acknowledged.</summary>
    public long Ingest(byte[] payload)
    {
        File.WriteAllBytes(_database, _template);
        File.Delete(_database + "-wal");
        File.Delete(_database + "-shm");
        using var store = HubStore.Open(_database);
        using var processor = new IngestionProcessor(store, new FixedTime(), NullLogger.Instance);
        IncomingBatch[] group = [new(Topic, payload)];
        var first = processor.Process(group);
        var again = processor.Process(group);
        FuzzInvariantException.ThrowUnless(first.Count == 1 && again.Count == 1, $"{first.Count} and {again.Count} acknowledgement(s) for one batch of one device");
        FuzzInvariantException.ThrowUnless(again[0].Ack.AckedSeq == first[0].Ack.AckedSeq, $"the same batch again moved the acknowledged seq from {first[0].Ack.AckedSeq} to {again[0].Ack.AckedSeq}");
        return first[0].Ack.AckedSeq;
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>
    /// afl-fuzz ends its target with SIGKILL, so <see cref="Dispose"/> never runs there: each start removes the folders of
    /// harness processes that no longer exist (the folder name carries the process id; /proc says whether it runs).
    /// </summary>
    private static void RemoveLeftovers(string root)
    {
        if (!Directory.Exists("/proc/self"))
        {
            return;
        }

        foreach (var folder in Directory.EnumerateDirectories(root, Prefix + "*"))
        {
            var pid = Path.GetFileName(folder)[Prefix.Length..];
            if (int.TryParse(pid, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _) && !Directory.Exists($"/proc/{pid}"))
            {
                try
                {
                    Directory.Delete(folder, recursive: true);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Another harness removing the same leftover at the same time: it is gone either way.
                }
            }
        }
    }

    /// <summary>The hub's clock, fixed: received times are data here, not a source of instability between runs.</summary>
    private sealed class FixedTime : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(1764403200000);
    }
}
