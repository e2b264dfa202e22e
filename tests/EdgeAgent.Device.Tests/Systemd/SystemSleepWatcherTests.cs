using EdgeAgent.Device.Systemd;
using EdgeAgent.Hardware.Companion;
using EdgeAgent.Hardware.Simulation;
using EdgeAgent.TestKit.Logging;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Device.Tests.Systemd;

/// <summary>
/// The sleep watcher between logind and the companion: a private dbus-daemon as the system bus, a fake logind Manager on
/// it, and the real firmware as the simulated companion over OS pipes behind a real <see cref="CompanionLink"/>.
/// </summary>
public sealed class SystemSleepWatcherTests
{
    /// <summary>A bound on each wait (real time; never a measurement).</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [SkippableFact]
    public async Task PrepareForSleep_TrueThenFalse_CompanionSleepsBeforeTheInhibitorIsReleasedThenWakesUnderANewInhibitor()
    {
        using var bus = PrivateSystemBus.TryStart(out var reason);
        Skip.If(bus is null, reason);
        await using var runner = SimulatedCompanionRunner.Start(TimeProvider.System);
        await using var link = new CompanionLink(runner.BoardStream, TimeProvider.System);
        using var logind = await FakeLogind.StartAsync(bus.Address, () => runner.BoardAwake);
        var logger = new ListLogger<SystemSleepWatcher>();
        using var watcher = new SystemSleepWatcher(bus.Address, () => link, TimeProvider.System, logger);
        await watcher.StartAsync(CancellationToken.None);

        Assert.True(await logind.WaitUntilAsync(i => i.Count == 1, Bound), "no inhibitor was taken");
        var first = logind.Inhibitors[0];
        Assert.Equal(("sleep", "edgeagent", "delay"), (first.What, first.Who, first.Mode));
        Assert.True(runner.BoardAwake);

        logind.PrepareForSleep(true);
        Assert.True(await logind.WaitUntilAsync(i => i[0].AtRelease is not null, Bound), "the inhibitor was not released on PrepareForSleep(true)");
        Assert.False(logind.Inhibitors[0].AtRelease, "the inhibitor was released before the companion took the board's sleep");
        Assert.Single(logind.Inhibitors); // none is taken while the board suspends

        logind.PrepareForSleep(false);
        Assert.True(await logind.WaitUntilAsync(i => i.Count == 2, Bound), "no new inhibitor was taken on PrepareForSleep(false)");
        Assert.True(await link.WaitUntilAsync(() => runner.BoardAwake, Bound), "the companion was not told the board is awake");
        Assert.Null(logind.Inhibitors[1].AtRelease); // held until the next suspend

        await watcher.StopAsync(CancellationToken.None);
        Assert.True(await logind.WaitUntilAsync(i => i[1].AtRelease is not null, Bound), "the inhibitor was kept after the watcher stopped");
        Assert.DoesNotContain(logger.Entries, e => e.Level >= LogLevel.Warning);
        Assert.Contains(logger.Entries, e => e.EventId.Id == 4406 && e.Message.Contains("acknowledged the sleep", StringComparison.Ordinal));
    }

    [SkippableTheory]
    [InlineData("no address")]
    [InlineData("no socket")]
    [InlineData("no logind")]
    public async Task Start_NoSystemBusOrLogind_LogsOnceAtInformationAndDoesNothing(string missing)
    {
        using var bus = missing == "no logind" ? PrivateSystemBus.TryStart(out var reason) : null;
        Skip.If(missing == "no logind" && bus is null, "dbus-daemon cannot start");
        var address = missing switch
        {
            "no address" => null,
            "no socket" => "unix:path=/nonexistent/edgeagent-test/bus",
            _ => bus!.Address,
        };
        await using var runner = SimulatedCompanionRunner.Start(TimeProvider.System);
        await using var link = new CompanionLink(runner.BoardStream, TimeProvider.System);
        var logger = new ListLogger<SystemSleepWatcher>();
        using var watcher = new SystemSleepWatcher(address, () => link, TimeProvider.System, logger);

        await watcher.StartAsync(CancellationToken.None);
        await watcher.ExecuteTask!.WaitAsync(Bound);

        Assert.True(watcher.ExecuteTask.IsCompletedSuccessfully);
        var entry = Assert.Single(logger.Entries);
        Assert.Equal((LogLevel.Information, 4404), (entry.Level, entry.EventId.Id));
        Assert.True(runner.BoardAwake);
        await watcher.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Start_NoCompanion_DoesNothing()
    {
        var logger = new ListLogger<SystemSleepWatcher>();
        using var watcher = new SystemSleepWatcher("unix:path=/nonexistent/edgeagent-test/bus", () => null, TimeProvider.System, logger);

        await watcher.StartAsync(CancellationToken.None);
        await watcher.ExecuteTask!.WaitAsync(Bound);

        Assert.True(watcher.ExecuteTask.IsCompletedSuccessfully);
        Assert.Empty(logger.Entries);
    }
}
