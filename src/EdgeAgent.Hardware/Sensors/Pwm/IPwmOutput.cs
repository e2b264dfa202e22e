namespace EdgeAgent.Hardware.Sensors.Pwm;

/// <summary>The actuator side of a PWM driver: set a channel's duty cycle (servos, ESCs, LEDs). Angle-to-pulse mapping is the caller's.</summary>
public interface IPwmOutput
{
    /// <summary>The output's id in the product profile.</summary>
    string Name { get; }

    /// <summary>How many channels the driver has (channels are 0 to ChannelCount - 1).</summary>
    int ChannelCount { get; }

    /// <summary>Sets <paramref name="channel"/> to <paramref name="dutyCycle"/> (0 to 1). A bus fault is an <see cref="IOException"/>.</summary>
    void SetDutyCycle(int channel, double dutyCycle);
}
