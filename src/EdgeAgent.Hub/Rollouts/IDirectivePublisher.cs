namespace EdgeAgent.Hub.Rollouts;

/// <summary>
/// Publishes a device command through the hub's own MQTT client (the ingestion's connection, which the broker lets
/// write every <c>cmd/...</c> topic): retained, QoS 1, completing when the broker acknowledged it.
/// </summary>
internal interface IDirectivePublisher
{
    /// <exception cref="InvalidOperationException">Not connected, or the broker refused the message.</exception>
    /// <exception cref="MQTTnet.Exceptions.MqttCommunicationException">The connection failed while publishing.</exception>
    Task PublishRetainedAsync(string topic, byte[] payload, CancellationToken cancellationToken);
}
