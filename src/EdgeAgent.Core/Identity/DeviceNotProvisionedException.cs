namespace EdgeAgent.Core.Identity;

/// <summary>The device has no usable identity or key; the message says what is wrong and the command that fixes it.</summary>
public sealed class DeviceNotProvisionedException : Exception
{
    public DeviceNotProvisionedException()
    {
    }

    public DeviceNotProvisionedException(string message)
        : base(message)
    {
    }

    public DeviceNotProvisionedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
