using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using EdgeAgent.TestKit.IO;
using static EdgeAgent.Storage.Tests.Outbox.TestOutbox;

namespace EdgeAgent.Storage.Tests.Outbox;

/// <summary>
/// Kills a real process (SIGKILL) that is appending and acknowledging, at seeded random moments, and checks what the
/// file holds afterwards. A kill loses the process, not the OS page cache, so this proves the transaction boundaries
/// (nothing reported is lost, nothing half-written appears); fsync on power loss is SQLite's synchronous=FULL.
/// </summary>
public sealed class CrashSafetyTests : IDisposable
{
    private const int Kills = 12;
    private const int Writers = 4;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task AppendAsync_ProcessKilledAtRandomMoments_EveryReportedSeqSurvivesWithoutHoles()
    {
        var db = _dir.Combine("outbox.db");
        var random = new Random(20250301);
        var reported = new SortedSet<long>();
        var next = 1L;
        var clock = Stopwatch.StartNew();

        for (var kill = 0; kill < Kills; kill++)
        {
            // -1: kill as soon as the process exists (possibly mid-open); 0: right after it opened; n: after n appends.
            var target = kill switch { 0 => -1, 1 => 0, _ => random.Next(1, 600) };
            var lines = await RunAndKillAsync(db, next, target);
            Assert.True(target <= 0 || lines.Count >= target, $"kill {kill}: the child reported {lines.Count} of {target} appends");
            reported.UnionWith(lines);

            using (var raw = Raw(db))
            {
                Assert.Equal("ok", Scalar(raw, "PRAGMA integrity_check;"));
            }

            await using var outbox = await OpenAsync(db);
            var acknowledged = await outbox.AcknowledgedAsync(CancellationToken.None);
            var stored = await SeqsAsync(outbox);
            var last = stored.Length > 0 ? stored[^1] : acknowledged;
            var head = await outbox.HeadAsync(CancellationToken.None);
            Assert.Equal(new Contracts.Records.ChainHead(last, HashOf(last)), head); // the head is the last link stored

            Assert.Equal(LongRange(acknowledged + 1, last), stored); // no holes above the checkpoint
            var lost = reported.Where(s => s > acknowledged && Array.BinarySearch(stored, s) < 0).ToList();
            Assert.True(lost.Count == 0, $"kill {kill}: reported as stored but missing: {string.Join(", ", lost.Take(10))}");
            Assert.True(reported.Count == 0 || reported.Max <= last, $"kill {kill}: reported {reported.Max} but the outbox ends at {last}");
            next = last + 1;
        }

        Assert.True(reported.Count > Kills * 50, $"only {reported.Count} appends were reported across {Kills} runs");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"{Kills} kills took {clock.Elapsed}");
    }

    private static long[] LongRange(long first, long last) =>
        last < first ? [] : [.. Enumerable.Range(0, checked((int)(last - first + 1))).Select(i => first + i)];

    /// <summary>Starts the crash host, waits until it reported <paramref name="target"/> appends, and SIGKILLs it.</summary>
    private static async Task<List<long>> RunAndKillAsync(string db, long first, int target)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { CrashHostPath(), "append", db, first.ToString(CultureInfo.InvariantCulture), Writers.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("the crash host did not start");
        var errors = process.StandardError.ReadToEndAsync();
        var seqs = new List<long>();
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reading = Task.Run(async () =>
        {
            // Only whole lines count: the kill may cut the last one short.
            var ready = false;
            var line = new StringBuilder();
            var buffer = new char[4096];
            int read;
            while ((read = await process.StandardOutput.ReadAsync(buffer)) > 0)
            {
                for (var i = 0; i < read; i++)
                {
                    if (buffer[i] != '\n')
                    {
                        line.Append(buffer[i]);
                        continue;
                    }

                    var text = line.ToString();
                    line.Clear();
                    if (text == "ready")
                    {
                        ready = true;
                    }
                    else
                    {
                        seqs.Add(long.Parse(text, CultureInfo.InvariantCulture));
                    }

                    if (ready && seqs.Count >= target)
                    {
                        reached.TrySetResult();
                    }
                }
            }

            reached.TrySetResult();
        });

        if (target >= 0)
        {
            await reached.Task.WaitAsync(TimeSpan.FromSeconds(15));
        }

        var exitedByItself = process.HasExited;
        process.Kill(); // SIGKILL on Linux: no finally blocks, no dispose, no flush
        await process.WaitForExitAsync();
        await reading;
        Assert.False(exitedByItself, $"the crash host exited by itself (code {process.ExitCode}): {await errors}");
        return seqs;
    }

    private static string CrashHostPath()
    {
        var path = typeof(CrashSafetyTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "CrashHost").Value!;
        Assert.True(File.Exists(path), $"crash host not built at {path}; build tests/EdgeAgent.Storage.Tests (it builds the host)");
        return path;
    }
}
