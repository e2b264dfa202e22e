using System.Threading.Channels;
using EdgeAgent.Device.Runtime;
using EdgeAgent.Device.Systemd;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace EdgeAgent.Device.Tests.Runtime;

/// <summary>
/// The agent's side of systemd's <c>WatchdogSec</c>: a ping every half timeout while the agent's loops tick, none while
/// one is silent for longer than it may be (so systemd restarts a wedged agent), and the unit's STATUS line saying
/// which. Driven by a fake clock: each step waits for the tick's message, so nothing depends on how fast this machine is.
/// </summary>
public sealed class SystemdWatchdogTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Allowed = TimeSpan.FromSeconds(12);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero));
    private readonly RecordingNotifier _notifier = new();

    [Fact]
    public async Task Watchdog_LoopsTick_PingsEveryHalfTimeout()
    {
        var liveness = new Liveness(_time);
        var loop = liveness.Register("status", Allowed);
        using var watchdog = Watchdog(liveness, new WatchdogSettings(Timeout));

        await watchdog.StartAsync(CancellationToken.None);
        Assert.Equal(["WATCHDOG=1", "STATUS=running"], await _notifier.NextAsync(2));
        for (var i = 0; i < 5; i++)
        {
            loop.Beat();
            _time.Advance(Tick);
            Assert.Equal(["WATCHDOG=1"], await _notifier.NextAsync(1));
        }

        await watchdog.StopAsync(CancellationToken.None);
        Assert.Equal(6, _notifier.All.Count(m => m == "WATCHDOG=1"));
    }

    [Fact]
    public async Task Watchdog_LoopFallsSilent_WithholdsPingsUntilItTicksAgain()
    {
        var liveness = new Liveness(_time);
        var loop = liveness.Register("status", Allowed);
        using var watchdog = Watchdog(liveness, new WatchdogSettings(Timeout));
        await watchdog.StartAsync(CancellationToken.None);
        Assert.Equal(["WATCHDOG=1", "STATUS=running"], await _notifier.NextAsync(2));

        // The loop stops beating: 5 s and 10 s of silence are allowed (12 s), 15 s and 20 s are not.
        _time.Advance(Tick);
        Assert.Equal(["WATCHDOG=1"], await _notifier.NextAsync(1));
        _time.Advance(Tick);
        Assert.Equal(["WATCHDOG=1"], await _notifier.NextAsync(1));
        _time.Advance(Tick);
        Assert.Equal(["STATUS=unhealthy: the status loop has not ticked for 15 s (allowed 12 s); watchdog pings withheld"], await _notifier.NextAsync(1));
        _time.Advance(Tick);
        Assert.Equal(["STATUS=unhealthy: the status loop has not ticked for 20 s (allowed 12 s); watchdog pings withheld"], await _notifier.NextAsync(1));

        // It ticks again: the pings resume.
        loop.Beat();
        _time.Advance(Tick);
        Assert.Equal(["WATCHDOG=1", "STATUS=running"], await _notifier.NextAsync(2));
        await watchdog.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Watchdog_AnyLoopSilent_IsUnhealthy()
    {
        var liveness = new Liveness(_time);
        var status = liveness.Register("status", Allowed);
        liveness.Register("usage", TimeSpan.FromSeconds(3));
        using var watchdog = Watchdog(liveness, new WatchdogSettings(Timeout));
        await watchdog.StartAsync(CancellationToken.None);
        Assert.Equal(["WATCHDOG=1", "STATUS=running"], await _notifier.NextAsync(2));

        status.Beat();
        _time.Advance(Tick);

        Assert.Equal(["STATUS=unhealthy: the usage loop has not ticked for 5 s (allowed 3 s); watchdog pings withheld"], await _notifier.NextAsync(1));
        await watchdog.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Watchdog_NoWatchdogAsked_SendsTheStatusLineOnly()
    {
        var liveness = new Liveness(_time);
        liveness.Register("status", TimeSpan.FromMinutes(5));
        var feed = new AgentStatusFeed();
        using var watchdog = Watchdog(liveness, new WatchdogSettings((TimeSpan?)null), feed);
        await watchdog.StartAsync(CancellationToken.None);
        Assert.Equal(["STATUS=running"], await _notifier.NextAsync(1));

        feed.Latest = Status(connected: false, mode: null);
        _time.Advance(WatchdogSettings.StatusOnlyInterval);
        Assert.Equal(["STATUS=offline (mqtt://hub:1883: connection refused); head seq 12, acked 9, 5 records queued"], await _notifier.NextAsync(1));
        feed.Latest = Status(connected: true, mode: "active");
        _time.Advance(WatchdogSettings.StatusOnlyInterval);
        Assert.Equal(["STATUS=connected to mqtt://hub:1883; head seq 12, acked 9, 5 records queued; mode active"], await _notifier.NextAsync(1));

        await watchdog.StopAsync(CancellationToken.None);
        Assert.DoesNotContain("WATCHDOG=1", _notifier.All);
    }

    [Fact]
    public async Task Waiting_ConsentByButton_AsksForMoreStartTimeAndPings()
    {
        ServiceManager.Waiting(_notifier, "waiting for the owner's consent", TimeSpan.FromSeconds(30));

        Assert.Equal(["STATUS=waiting for the owner's consent", "EXTEND_TIMEOUT_USEC=30000000", "WATCHDOG=1"], await _notifier.NextAsync(3));
    }

    public static TheoryData<string?, string?, double?> Environments() => new()
    {
        { "60000000", null, 60 },
        { "60000000", "4242", 60 },   // WATCHDOG_PID is this process
        { "60000000", "1", null },    // meant for another process
        { null, null, null },
        { "0", null, null },
        { "soon", null, null },
    };

    [Theory]
    [MemberData(nameof(Environments))]
    public void Settings_FromWatchdogVariables_AsSdWatchdogEnabledReadsThem(string? usec, string? pid, double? seconds)
    {
        var settings = WatchdogSettings.Parse(usec, pid, processId: 4242);

        Assert.Equal(seconds, settings.Timeout?.TotalSeconds);
        Assert.Equal(seconds / 2, settings.PingInterval?.TotalSeconds);
    }

    private SystemdWatchdog Watchdog(Liveness liveness, WatchdogSettings settings, AgentStatusFeed? feed = null) =>
        new(_notifier, liveness, feed ?? new AgentStatusFeed(), settings, _time, NullLogger<SystemdWatchdog>.Instance);

    private static AgentStatus Status(bool connected, string? mode) => new()
    {
        UpdatedMs = 0, Pid = 1, DeviceId = "GL-0001", Boot = 1, HeadSeq = 12, Broker = "mqtt://hub:1883", Connected = connected,
        SentSeq = 12, AckedSeq = 9, LastError = connected ? null : "connection refused", Reconnects = 0, EvidenceRecords = 3,
        EvidenceBytes = 300, TelemetryRecords = 2, TelemetryBytes = 200, TimeSource = "none", Mode = mode,
    };

    /// <summary>An <see cref="ISystemdNotifier"/> that keeps every message, in order.</summary>
    private sealed class RecordingNotifier : ISystemdNotifier
    {
        private readonly Channel<string> _messages = Channel.CreateUnbounded<string>();
        private readonly List<string> _all = [];

        public bool IsEnabled => true;

        public IReadOnlyList<string> All
        {
            get
            {
                lock (_all)
                {
                    return [.. _all];
                }
            }
        }

        public void Notify(ServiceState state)
        {
            var message = state.ToString();
            lock (_all)
            {
                _all.Add(message);
            }

            _messages.Writer.TryWrite(message);
        }

        /// <summary>The next <paramref name="count"/> messages (the time-out only guards against a hang).</summary>
        public async Task<string[]> NextAsync(int count)
        {
            using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var next = new string[count];
            for (var i = 0; i < count; i++)
            {
                next[i] = await _messages.Reader.ReadAsync(guard.Token);
            }

            return next;
        }
    }
}
