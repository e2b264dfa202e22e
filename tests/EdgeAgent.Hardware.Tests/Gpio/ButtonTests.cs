using System.Device.Gpio;
using EdgeAgent.Hardware.Gpio;
using EdgeAgent.Hardware.Simulation;
using Microsoft.Extensions.Time.Testing;

namespace EdgeAgent.Hardware.Tests.Gpio;

public sealed class ButtonTests : IDisposable
{
    private const int Pin = 27;

    private readonly SimulatedGpioDriver _driver = new(new FakeTimeProvider());
    private readonly GpioController _controller;

    public ButtonTests()
    {
        _controller = new GpioController(_driver);
    }

    public void Dispose() => _controller.Dispose();

    [Fact]
    public void Default_IsActiveLowWithThePullUp_ReleasedReadsHighAndNotPressed()
    {
        using var button = new Button(_controller, Pin);

        Assert.Equal(PinMode.InputPullUp, _driver.ModeOf(Pin));
        Assert.False(button.IsPressed()); // nothing drives the pin: the pull-up holds it high
    }

    [Theory]
    [InlineData(true, PinMode.InputPullUp, 0, true)]
    [InlineData(true, PinMode.InputPullUp, 1, false)]
    [InlineData(false, PinMode.InputPullDown, 1, true)]
    [InlineData(false, PinMode.InputPullDown, 0, false)]
    [InlineData(false, PinMode.Input, 1, true)]
    [InlineData(true, PinMode.Input, 1, false)]
    public void IsPressed_FollowsThePinLevelAndWiring(bool activeLow, PinMode pull, int level, bool pressed)
    {
        using var button = new Button(_controller, Pin, activeLow, pull);

        _driver.SetInput(Pin, level);

        Assert.Equal(pressed, button.IsPressed());
    }

    [Fact]
    public void IsPressed_PressAndRelease_IsPolledEachTime()
    {
        using var button = new Button(_controller, Pin);

        _driver.SetInput(Pin, PinValue.Low);
        Assert.True(button.IsPressed());
        _driver.SetInput(Pin, null); // released: the pull-up takes over again
        Assert.False(button.IsPressed());
    }

    [Fact]
    public void Open_OutputModeForAButton_IsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Button(_controller, Pin, pull: PinMode.Output));
    }

    [Fact]
    public void Open_PinNotOnTheChip_IsAnIOExceptionNamingTheButton()
    {
        using var driver = new SimulatedGpioDriver(new FakeTimeProvider(), pinCount: 8);
        using var controller = new GpioController(driver);

        var e = Assert.Throws<IOException>(() => new Button(controller, 12));

        Assert.StartsWith("the button on GPIO 12", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dispose_ReleasesThePin()
    {
        var button = new Button(_controller, Pin);

        button.Dispose();

        Assert.Null(_driver.ModeOf(Pin));
        Assert.Throws<ObjectDisposedException>(() => button.IsPressed());
    }
}
