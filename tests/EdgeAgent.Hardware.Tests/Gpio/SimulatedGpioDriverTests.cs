using System.Device.Gpio;
using EdgeAgent.Hardware.Simulation;
using Microsoft.Extensions.Time.Testing;

namespace EdgeAgent.Hardware.Tests.Gpio;

/// <summary>The simulated driver behaves like a GPIO chip where the bindings can tell.</summary>
public sealed class SimulatedGpioDriverTests : IDisposable
{
    private readonly SimulatedGpioDriver _driver = new(new FakeTimeProvider());
    private readonly GpioController _controller;

    public SimulatedGpioDriverTests()
    {
        _controller = new GpioController(_driver);
    }

    public void Dispose() => _controller.Dispose();

    [Fact]
    public void InputEdge_RaisesTheRegisteredCallback()
    {
        _controller.OpenPin(5, PinMode.InputPullUp);
        var edges = new List<PinEventTypes>();
        _controller.RegisterCallbackForPinValueChangedEvent(5, PinEventTypes.Falling | PinEventTypes.Rising, (_, e) => edges.Add(e.ChangeType));

        _driver.SetInput(5, PinValue.Low);
        _driver.SetInput(5, PinValue.Low);
        _driver.SetInput(5, null);

        Assert.Equal([PinEventTypes.Falling, PinEventTypes.Rising], edges);
    }

    [Fact]
    public void OutputLevel_OfAnInputOrClosedPin_IsNull()
    {
        _controller.OpenPin(7, PinMode.Input);

        Assert.Null(_driver.OutputLevel(7));
        Assert.Null(_driver.OutputLevel(8));
    }
}
