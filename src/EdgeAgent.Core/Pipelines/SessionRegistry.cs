namespace EdgeAgent.Core.Pipelines;

/// <summary>
/// The swappable sessions of the running pipelines, by catalog model name: where an update finds the slots to swap.
/// A model run by two pipelines has two (each pipeline calls its own session). Thread-safe.
/// </summary>
public sealed class SessionRegistry
{
    private readonly Lock _gate = new();
    private readonly List<(string Model, SwappableSession Session)> _sessions = [];

    public void Register(string model, SwappableSession session)
    {
        lock (_gate)
        {
            _sessions.Add((model, session));
        }
    }

    public void Unregister(SwappableSession session)
    {
        lock (_gate)
        {
            _sessions.RemoveAll(s => ReferenceEquals(s.Session, session));
        }
    }

    public IReadOnlyList<SwappableSession> Of(string model)
    {
        lock (_gate)
        {
            return [.. _sessions.Where(s => s.Model == model).Select(s => s.Session)];
        }
    }
}
