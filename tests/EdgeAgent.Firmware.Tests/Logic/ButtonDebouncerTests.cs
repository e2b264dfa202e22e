using EdgeAgent.Firmware.Buttons;
using EdgeAgent.Firmware.Link;

namespace EdgeAgent.Firmware.Tests.Logic;

public sealed class ButtonDebouncerTests
{
    private readonly ButtonDebouncer _button = new(debounceMilliseconds: 30, longPressMilliseconds: 1500);
    private readonly List<(long At, ButtonAction Action, int Held)> _events = [];
    private long _now;

    [Fact]
    public void Update_BouncingPressThenClean_IsOnePressTimedFromTheSettledLevel()
    {
        Bounce(toggles: 6, everyMilliseconds: 3); // pressed, released, ... released again at t = 15-17
        Hold(pressed: true, milliseconds: 200);
        Hold(pressed: false, milliseconds: 100);

        var (at, action, held) = Assert.Single(_events);
        Assert.Equal(ButtonAction.Press, action);
        Assert.Equal(200, held); // from the level that held (18) to the release (218)
        Assert.Equal(248, at); // reported once the release has held for 30 ms
    }

    [Fact]
    public void Update_GlitchShorterThanDebounce_IsNothing()
    {
        Hold(pressed: true, milliseconds: 20);
        Hold(pressed: false, milliseconds: 500);

        Assert.Empty(_events);
        Assert.False(_button.IsPressed);
    }

    [Fact]
    public void Update_HeldPastThreshold_IsOneLongPressAtTheThresholdAndNothingOnRelease()
    {
        Hold(pressed: true, milliseconds: 4000);
        Hold(pressed: false, milliseconds: 100);

        var (at, action, held) = Assert.Single(_events);
        Assert.Equal(ButtonAction.LongPress, action);
        Assert.Equal(1500, at);
        Assert.Equal(1500, held);
    }

    [Fact]
    public void Update_TwoPresses_AreTwoEvents()
    {
        Hold(true, 100);
        Hold(false, 100);
        Hold(true, 300);
        Hold(false, 100);

        Assert.Equal([100, 300], _events.Select(e => e.Held));
    }

    private void Bounce(int toggles, int everyMilliseconds)
    {
        for (var i = 0; i < toggles; i++)
        {
            Hold(i % 2 == 0, everyMilliseconds);
        }
    }

    private void Hold(bool pressed, int milliseconds)
    {
        for (var t = 0; t < milliseconds; t++, _now++)
        {
            if (_button.Update(pressed, _now, out var action, out var held))
            {
                _events.Add((_now, action, held));
            }
        }
    }
}
