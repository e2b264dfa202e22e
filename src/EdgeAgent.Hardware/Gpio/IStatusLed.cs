using System.Diagnostics.CodeAnalysis;

namespace EdgeAgent.Hardware.Gpio;

/// <summary>The status LED: on or off. Patterns (booting, connected, fault...) are timed by the caller.</summary>
public interface IStatusLed
{
    [SuppressMessage("Naming", "CA1716:Identifiers should not match keywords",
        Justification = "Set/on clash with Visual Basic keywords only; the port is consumed from C#, and Set(on) reads as what it does.")]
    void Set(bool on);
}
