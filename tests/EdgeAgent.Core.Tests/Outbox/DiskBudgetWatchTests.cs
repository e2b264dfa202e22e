using EdgeAgent.Core.Outbox;

namespace EdgeAgent.Core.Tests.Outbox;

public sealed class DiskBudgetWatchTests
{
    private const long Budget = 1L << 20;

    private static OutboxDepth Holding(long evidence, long telemetry) => new(1, evidence, 1, telemetry);

    [Fact]
    public void Observe_FillingUpThenDraining_RaisesOnceAndClearsOnceWithHysteresis()
    {
        var watch = new DiskBudgetWatch(new OutboxOptions { MaxBytes = Budget });

        Assert.Equal(BudgetChange.None, watch.Observe(Holding(100_000, 100_000)));
        Assert.Equal(BudgetChange.Exhausted, watch.Observe(Holding(900_000, 100_000)));
        Assert.Equal(BudgetChange.None, watch.Observe(Holding(1_000_000, 100_000)));
        Assert.Equal(BudgetChange.None, watch.Observe(Holding(950_000, 0)));
        Assert.Equal(BudgetChange.Recovered, watch.Observe(Holding(500_000, 0)));
        Assert.Equal(BudgetChange.None, watch.Observe(Holding(500_000, 0)));
    }

    [Fact]
    public void Observe_WithinOneRecordOfTheBudget_IsExhausted()
    {
        var watch = new DiskBudgetWatch(new OutboxOptions { MaxBytes = Budget });

        Assert.Equal(BudgetChange.Exhausted, watch.Observe(Holding(Budget - 1000, 0)));
    }

    [Fact]
    public void ObserveDisk_DiskFullTurningOnThenOff_RaisesOnceAndClearsOnceIndependentlyOfTheBudget()
    {
        var watch = new DiskBudgetWatch(new OutboxOptions { MaxBytes = Budget });
        var full = Holding(100_000, 0) with { DiskFull = true };

        Assert.Equal(BudgetChange.None, watch.ObserveDisk(Holding(100_000, 0)));
        Assert.Equal(BudgetChange.Exhausted, watch.ObserveDisk(full));
        Assert.Equal(BudgetChange.None, watch.ObserveDisk(full));
        Assert.Equal(BudgetChange.None, watch.Observe(full)); // the configured budget is far from exhausted
        Assert.Equal(BudgetChange.Recovered, watch.ObserveDisk(Holding(100_000, 0)));
        Assert.Equal(BudgetChange.None, watch.ObserveDisk(Holding(100_000, 0)));
    }
}
