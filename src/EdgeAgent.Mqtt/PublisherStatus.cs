namespace EdgeAgent.Mqtt;

/// <summary>A snapshot of the publisher, for the device's status page and health checks.</summary>
/// <param name="Connected">True while a session with the broker is up.</param>
/// <param name="Broker">The broker endpoint (mqtt[s]://host:port).</param>
/// <param name="SentSeq">The send cursor: the highest seq published in the current session.</param>
/// <param name="AckedSeq">The highest seq the hub acknowledged (deleted from the outbox).</param>
/// <param name="LastAckAt">When the acknowledged seq last moved (from the injected TimeProvider), or null.</param>
/// <param name="LastError">The last connection or publishing failure, or null.</param>
/// <param name="Reconnects">Sessions established after the first one.</param>
/// <param name="BatchesSent">Batches published (including resends).</param>
/// <param name="RecordsSent">Entries (records and tombstones) published (including resends).</param>
/// <param name="IgnoredAcks">Acknowledgements ignored because they were malformed or named another device.</param>
/// <param name="BatchesRefused">Batches the broker refused as over quota (the hub's queue was full); each was offered again after a pause.</param>
public sealed record PublisherStatus(
    bool Connected,
    string Broker,
    long SentSeq,
    long AckedSeq,
    DateTimeOffset? LastAckAt,
    string? LastError,
    long Reconnects,
    long BatchesSent,
    long RecordsSent,
    long IgnoredAcks,
    long BatchesRefused);
