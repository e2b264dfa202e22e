using System.Text.RegularExpressions;
using EdgeAgent.Core.Faults;
using EdgeAgent.Core.Modes;
using EdgeAgent.Core.Pipelines;
using EdgeAgent.Core.Usage;
using EdgeAgent.TestKit.IO;
using Microsoft.Extensions.Time.Testing;

namespace EdgeAgent.Core.Tests.Usage;

/// <summary>The data examples of FORMAT.md ("Usage, sessions and faults") are what the agent's types write.</summary>
public sealed class FormatExamplesTests
{
    private static readonly string Document = File.ReadAllText(RepositoryRoot.Combine("src", "EdgeAgent.Contracts", "Records", "FORMAT.md"));

    [Fact]
    public void UsageSummary_Example_IsWhatTheAccountantWrites()
    {
        var time = new FakeTimeProvider();
        var usage = new InferenceUsage();
        var accountant = new UsageAccountant(time, usage);
        var face = usage.For("blazeface");
        for (var i = 0; i < 18_360; i++)
        {
            face.RecordCall(TimeSpan.FromMilliseconds(2));
        }

        accountant.AddFrames(18_360);
        accountant.SetMode(UsageMode.Idle, "standby");
        time.Advance(TimeSpan.FromSeconds(100));
        accountant.SetMode(UsageMode.Operate, "active");
        time.Advance(TimeSpan.FromSeconds(612));
        accountant.SetMode(UsageMode.Idle, "worn");
        time.Advance(TimeSpan.FromSeconds(120.5));
        accountant.SetMode(UsageMode.Idle, "standby");
        time.Advance(TimeSpan.FromSeconds(67.5));

        Assert.Equal(Block("json usage-summary"), accountant.TakeSummary().ToJson().GetRawText());
    }

    [Fact]
    public void Session_Example_IsWhatTheTrackerWrites() =>
        Assert.Equal(Block("json session"),
            new SessionData("flying", "operate", 66_000, 196_000, 130.0, SessionData.EndedBySwitch, "armed").ToJson().GetRawText());

    [Fact]
    public void FaultRaised_Example_IsWhatTheMonitorWrites()
    {
        var time = new FakeTimeProvider();
        var monitor = new FaultMonitor([ThresholdFault.Above("temperature.high", FaultSubsystem.Thermal, "env.temperature_c", 60, 55, TimeSpan.FromSeconds(10))], time);
        IReadOnlyList<FaultTransition> raised = [];
        for (var t = 0; t <= 10; t++, time.Advance(TimeSpan.FromSeconds(1)))
        {
            raised = monitor.Observe("env.temperature_c", 61.5, time.GetTimestamp());
        }

        Assert.Equal(Block("json fault-raised"), Assert.Single(raised).ToJson().GetRawText());
    }

    private static string Block(string info)
    {
        var m = Regex.Match(Document, "```" + Regex.Escape(info) + "\\n(.*?)\\n```", RegexOptions.Singleline);
        Assert.True(m.Success, $"FORMAT.md has no ```{info} block");
        return m.Groups[1].Value;
    }
}
