using Microsoft.Extensions.Logging;

namespace EdgeAgent.Hub.Identity;

/// <summary>The identity log catalog (5xxx): enrolment, broker authorisation, revocation. Tokens and keys are never logged.</summary>
internal static partial class Log
{
    [LoggerMessage(5000, LogLevel.Information, "Embedded MQTT broker TLS listener on {Address}:{Port} (client certificates of the hub CA required; plain listener access: {PlainAccess})")]
    public static partial void TlsListenerStarted(ILogger logger, string address, int port, string plainAccess);

    [LoggerMessage(5001, LogLevel.Information, "Enrolled device {Device} of product {Product}: certificate {Serial}")]
    public static partial void DeviceEnrolled(ILogger logger, string device, string product, string serial);

    [LoggerMessage(5002, LogLevel.Warning, "Enrolment refused ({Failure}): {Reason}")]
    public static partial void EnrolmentRefused(ILogger logger, string failure, string reason);

    [LoggerMessage(5003, LogLevel.Warning, "MQTT connect of client '{ClientId}' refused: {Reason}")]
    public static partial void ConnectRefused(ILogger logger, string clientId, string reason);

    [LoggerMessage(5004, LogLevel.Warning, "Publish of client '{ClientId}' on {Topic} refused: not its topic")]
    public static partial void PublishRefused(ILogger logger, string clientId, string topic);

    [LoggerMessage(5005, LogLevel.Warning, "Subscription of client '{ClientId}' to {Filter} refused: not its topic")]
    public static partial void SubscribeRefused(ILogger logger, string clientId, string filter);

    [LoggerMessage(5006, LogLevel.Information, "Device {Device} connected over mutual TLS as product {Product}")]
    public static partial void DeviceConnected(ILogger logger, string device, string product);

    [LoggerMessage(5007, LogLevel.Warning, "Device {Device} is revoked: dropped its session (client '{ClientId}')")]
    public static partial void RevokedSessionDropped(ILogger logger, string device, string clientId);

    [LoggerMessage(5008, LogLevel.Error, "Reading revocations failed; retrying in {DelayMs} ms")]
    public static partial void RevocationPollFailed(ILogger logger, long delayMs, Exception exception);

    [LoggerMessage(5009, LogLevel.Warning, "The plain MQTT listener {Address}:{Port} is not on loopback and takes devices without certificates (--plain-access devices); anyone who reaches it can act as such a device")]
    public static partial void PlainListenerExposed(ILogger logger, string address, int port);
}
