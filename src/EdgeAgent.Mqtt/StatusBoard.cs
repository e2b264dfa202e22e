namespace EdgeAgent.Mqtt;

/// <summary>The publisher's counters, written by its loop and read from any thread as a <see cref="PublisherStatus"/>.</summary>
internal sealed class StatusBoard(string broker)
{
    private readonly Lock _gate = new();
    private PublisherStatus _status = new(false, broker, 0, 0, null, null, 0, 0, 0, 0);

    public PublisherStatus Snapshot
    {
        get
        {
            lock (_gate)
            {
                return _status;
            }
        }
    }

    public void Update(Func<PublisherStatus, PublisherStatus> change)
    {
        lock (_gate)
        {
            _status = change(_status);
        }
    }
}
