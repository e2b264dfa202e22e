using EdgeAgent.Core.Modes;
using EdgeAgent.Core.Usage;

namespace EdgeAgent.Core.Tests.Modes;

public sealed class ModeSpecTests
{
    private static readonly Condition Charging = new("battery.charge_rate_pct_h", ConditionOp.GreaterThan, 1);

    public static TheoryData<string, Func<object>> Bad => new()
    {
        { "must match ^[a-z][a-z0-9_-]{0,31}$", () => new ModeState("Flying", UsageMode.Operate, all: [Charging]) },
        { "must match ^[a-z][a-z0-9_-]{0,31}$", () => new ModeState("1st", UsageMode.Operate, all: [Charging]) },
        { "must match ^[a-z][a-z0-9_-]{0,31}$", () => new ModeDefault(new string('a', 33), UsageMode.Idle) },
        { "at least one of all/any", () => new ModeState("worn", UsageMode.Idle) },
        { "enter_s must be 0 or more", () => new ModeState("worn", UsageMode.Idle, all: [Charging], enter: TimeSpan.FromSeconds(-1)) },
        { "class must be one of operate, idle, charge, fault", () => new ModeState("worn", (UsageMode)9, all: [Charging]) },
        { "must be '{sensor}.{quantity}'", () => new Condition("motion_g", ConditionOp.GreaterThan, 1) },
        { "must be '{sensor}.{quantity}'", () => new Condition("imu.motion.g", ConditionOp.GreaterThan, 1) },
        { "value must be a finite number", () => new Condition("imu.motion_g", ConditionOp.GreaterThan, double.NaN) },
        { "window_s must be 0 or more", () => new Condition("imu.motion_g", ConditionOp.GreaterThan, 1, SignalStat.Mean, TimeSpan.FromSeconds(-1)) },
        { "op must be one of", () => new Condition("imu.motion_g", (ConditionOp)7, 1) },
        { "evaluate_ms must be more than 0", () => new ModeSpec(TimeSpan.Zero, new ModeDefault("standby", UsageMode.Idle), []) },
        { "used twice", () => new ModeSpec(TimeSpan.FromSeconds(1), new ModeDefault("standby", UsageMode.Idle),
            [new ModeState("worn", UsageMode.Idle, all: [Charging]), new ModeState("worn", UsageMode.Operate, all: [Charging])]) },
        { "has the default's name", () => new ModeSpec(TimeSpan.FromSeconds(1), new ModeDefault("standby", UsageMode.Idle),
            [new ModeState("standby", UsageMode.Idle, all: [Charging])]) },
    };

    [Theory]
    [MemberData(nameof(Bad))]
    public void Construct_WhatTheContractForbids_IsRefusedWithTheField(string message, Func<object> build)
    {
        var e = Assert.ThrowsAny<ArgumentException>(build);

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("operate", UsageMode.Operate)]
    [InlineData("idle", UsageMode.Idle)]
    [InlineData("charge", UsageMode.Charge)]
    [InlineData("fault", UsageMode.Fault)]
    public void ParseClass_ContractWords_RoundTrip(string text, UsageMode mode)
    {
        Assert.Equal(mode, ModeTerms.ParseClass(text));
        Assert.Equal(text, ModeTerms.Name(mode));
    }

    [Theory]
    [InlineData(">", ConditionOp.GreaterThan)]
    [InlineData(">=", ConditionOp.GreaterOrEqual)]
    [InlineData("<", ConditionOp.LessThan)]
    [InlineData("<=", ConditionOp.LessOrEqual)]
    public void ParseOp_ContractSymbols_RoundTrip(string text, ConditionOp op)
    {
        Assert.Equal(op, ModeTerms.ParseOp(text));
        Assert.Equal(text, ModeTerms.Symbol(op));
    }

    [Theory]
    [InlineData(null, SignalStat.Latest)]
    [InlineData("latest", SignalStat.Latest)]
    [InlineData("mean", SignalStat.Mean)]
    [InlineData("min", SignalStat.Min)]
    [InlineData("max", SignalStat.Max)]
    [InlineData("stddev", SignalStat.StdDev)]
    [InlineData("range", SignalStat.Range)]
    public void ParseStat_ContractWordsAndTheDefault(string? text, SignalStat stat) => Assert.Equal(stat, ModeTerms.ParseStat(text));

    public static TheoryData<Func<object>, string> UnknownWords => new()
    {
        { () => ModeTerms.ParseClass("Operate"), "class 'Operate' is not one of operate, idle, charge, fault" },
        { () => ModeTerms.ParseOp("=>"), "op '=>' is not one of >, >=, <, <=" },
        { () => ModeTerms.ParseStat("avg"), "stat 'avg' is not one of latest, mean, min, max, stddev, range" },
    };

    [Theory]
    [MemberData(nameof(UnknownWords))]
    public void Parse_UnknownWord_NamesTheAllowedValues(Func<object> parse, string message) =>
        Assert.StartsWith(message, Assert.Throws<ArgumentException>(parse).Message, StringComparison.Ordinal);

    [Fact]
    public void LongestWindows_PerSignal_IsTheLongestAnyConditionNeeds()
    {
        var spec = new ModeSpec(TimeSpan.FromSeconds(1), new ModeDefault("standby", UsageMode.Idle),
        [
            new ModeState("active", UsageMode.Operate, all: [new Condition("imu.motion_g", ConditionOp.GreaterThan, 0.02, SignalStat.StdDev, TimeSpan.FromSeconds(10))],
                any: [new Condition("camera.active", ConditionOp.GreaterOrEqual, 1)]),
            new ModeState("worn", UsageMode.Idle, all: [new Condition("imu.motion_g", ConditionOp.GreaterThan, 0.02, SignalStat.StdDev, TimeSpan.FromSeconds(30))]),
        ]);

        Assert.Equal(new Dictionary<string, TimeSpan> { ["imu.motion_g"] = TimeSpan.FromSeconds(30), ["camera.active"] = TimeSpan.Zero }, spec.LongestWindows());
        Assert.Equal(TimeSpan.FromSeconds(2), spec.LatestMaxAge);
    }

    [Fact]
    public void ToString_Condition_ReadsLikeTheProfile()
    {
        Assert.Equal("imu.motion_g stddev(10s) > 0.02", new Condition("imu.motion_g", ConditionOp.GreaterThan, 0.02, SignalStat.StdDev, TimeSpan.FromSeconds(10)).ToString());
        Assert.Equal("camera.active >= 1", new Condition("camera.active", ConditionOp.GreaterOrEqual, 1).ToString());
    }
}
