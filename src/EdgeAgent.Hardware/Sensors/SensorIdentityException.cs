namespace EdgeAgent.Hardware.Sensors;

/// <summary>The chip at the configured bus address is not the one the profile names (its identity register says otherwise).</summary>
public sealed class SensorIdentityException : IOException
{
    public SensorIdentityException(string sensor, string chip, string register, string expected, string found)
        : base($"{sensor}: the chip on the bus is not a {chip}: {register} reads {found}, a {chip} reads {expected}")
    {
        Sensor = sensor;
        Chip = chip;
    }

    public SensorIdentityException()
    {
        Sensor = Chip = "";
    }

    public SensorIdentityException(string message) : base(message)
    {
        Sensor = Chip = "";
    }

    public SensorIdentityException(string message, Exception innerException) : base(message, innerException)
    {
        Sensor = Chip = "";
    }

    public string Sensor { get; }

    public string Chip { get; }
}
