namespace EdgeAgent.Sim.Report;

/// <summary>What the whole fleet did, counted from every device's thread (interlocked): the simulator's own side of the figures.</summary>
internal sealed class FleetCounters
{
    private long _made;
    private long _acknowledged;
    private long _acknowledgedAgain;
    private long _connected;
    private long _connectedPeak;
    private long _appendFailures;

    public LatencyHistogram Latency { get; } = new();

    /// <summary>Records durably appended (the ledger returned).</summary>
    public long Made => Interlocked.Read(ref _made);

    /// <summary>Records the hub acknowledged for the first time.</summary>
    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    /// <summary>Acknowledgements of records already acknowledged (sent again by a duplicate fault).</summary>
    public long AcknowledgedAgain => Interlocked.Read(ref _acknowledgedAgain);

    /// <summary>Devices whose publisher reports a connection now.</summary>
    public long Connected => Interlocked.Read(ref _connected);

    public long ConnectedPeak => Interlocked.Read(ref _connectedPeak);

    public long AppendFailures => Interlocked.Read(ref _appendFailures);

    public void RecordMade() => Interlocked.Increment(ref _made);

    public void RecordsAcknowledged(long count) => Interlocked.Add(ref _acknowledged, count);

    public void RecordsAcknowledgedAgain(long count) => Interlocked.Add(ref _acknowledgedAgain, count);

    public void AppendFailed() => Interlocked.Increment(ref _appendFailures);

    /// <summary>Sets the number of connected devices (counted by the progress loop from each publisher's status).</summary>
    public void SetConnected(long connected)
    {
        Interlocked.Exchange(ref _connected, connected);
        long peak;
        while (connected > (peak = Interlocked.Read(ref _connectedPeak)) && Interlocked.CompareExchange(ref _connectedPeak, connected, peak) != peak)
        {
        }
    }
}
