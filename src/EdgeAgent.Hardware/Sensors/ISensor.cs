namespace EdgeAgent.Hardware.Sensors;

/// <summary>
/// One sensor behind its port. Implementations take their bus (<c>I2cDevice</c>, a serial <c>Stream</c>, a
/// <c>GpioController</c>) in the constructor and check the chip's identity there; only the composition root creates buses.
/// </summary>
/// <typeparam name="TReading">A typed reading (UnitsNet quantities), e.g. <see cref="EnvironmentReading"/>.</typeparam>
public interface ISensor<TReading> : IDisposable
{
    /// <summary>The sensor's id in the product profile (e.g. <c>imu</c>), for logs, faults and signal names.</summary>
    string Name { get; }

    /// <summary>
    /// Reads the sensor now. False when there is no valid value (not ready, CRC or checksum error, no fix): never a
    /// stale one. A bus fault (NACK, device gone) is an <see cref="IOException"/>.
    /// </summary>
    bool TryRead(out TReading reading);
}
