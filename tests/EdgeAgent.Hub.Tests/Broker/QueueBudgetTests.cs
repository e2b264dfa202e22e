using EdgeAgent.Hub.Broker;

namespace EdgeAgent.Hub.Tests.Broker;

/// <summary>The session queue's accounting: the budget, the lane for devices with nothing queued, release and reset.</summary>
public sealed class QueueBudgetTests
{
    [Fact]
    public void UpToTheBudget_AnyBatchIsTaken_BeyondIt_OnlyADeviceWithNothingQueued_UpToTwiceTheBudget()
    {
        var queue = new QueueBudget(1000);

        Assert.True(queue.TryReserve("a", 500));
        Assert.True(queue.TryReserve("a", 500)); // 1,000: at the budget
        Assert.False(queue.TryReserve("a", 1)); // a has two queued
        Assert.True(queue.TryReserve("b", 600)); // b has none: 1,600 of 2,000
        Assert.False(queue.TryReserve("b", 1));
        Assert.False(queue.TryReserve("c", 401)); // 2,001
        Assert.True(queue.TryReserve("c", 400)); // 2,000

        Assert.Equal(2000, queue.QueuedBytes);
        Assert.Equal(2, queue.Queued("a"));
        Assert.Equal(1, queue.Queued("c"));
    }

    [Fact]
    public void AnEmptyQueue_TakesABatchOfAnySize()
    {
        var queue = new QueueBudget(1000);

        Assert.True(queue.TryReserve("a", 5000));
        Assert.False(queue.TryReserve("b", 1));
    }

    [Fact]
    public void Release_MakesRoomAndEndsTheDevicesCount_ABatchNeverCountedIsIgnored()
    {
        var queue = new QueueBudget(1000);
        queue.TryReserve("a", 800);
        queue.TryReserve("a", 200);

        queue.Release("x", 900); // never counted in (MQTTnet's dispatch delivered it)
        Assert.Equal(1000, queue.QueuedBytes);

        queue.Release("a", 800);
        Assert.Equal(200, queue.QueuedBytes);
        Assert.Equal(1, queue.Queued("a"));
        queue.Release("a", 200);
        Assert.Equal(0, queue.Queued("a"));
        Assert.Equal(0, queue.QueuedBytes);
    }

    [Fact]
    public void Reset_StartsFromZero_AndALateReleaseCannotGoBelowIt()
    {
        var queue = new QueueBudget(1000);
        queue.TryReserve("a", 1000);

        queue.Reset();
        Assert.Equal(0, queue.QueuedBytes);
        Assert.True(queue.TryReserve("a", 300));
        queue.Release("a", 1000); // the copy counted before the reconnect, acknowledged after it

        Assert.Equal(0, queue.QueuedBytes);
        Assert.True(queue.TryReserve("a", 1000));
    }
}
