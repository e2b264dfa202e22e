using System.Diagnostics;
using EdgeAgent.Contracts.Catalog;
using EdgeAgent.Core.Inference;

namespace EdgeAgent.Core.Pipelines;

/// <summary>
/// A pipeline's session whose model can be replaced while it runs (a hot swap). A call is everything from its first
/// <see cref="Input{T}"/> to the next call's first <see cref="Input{T}"/>: it is pinned to the session that was current
/// when it began, so a call in flight finishes (inputs, run, outputs) on the old session while the next call uses the
/// new one. No call fails or is dropped by a swap. Each session is held by reference count (the slot holds one, each
/// pinned call one); the old session is disposed when the last of them lets go. Every call is counted into the
/// model's <see cref="ModelUsage"/> and into the current version's <see cref="CallWindow"/> (which probation reads).
/// One caller at a time, like any session; <see cref="Swap"/> may be called from any thread.
/// </summary>
public sealed class SwappableSession : IInferenceSession
{
    private readonly ModelUsage _usage;
    private Generation _current;
    private Generation? _pinned;
    private bool _callOpen;
    private int _disposed;

    public SwappableSession(IInferenceSession initial, ModelUsage usage, string version = "")
    {
        ArgumentNullException.ThrowIfNull(initial);
        _usage = usage ?? throw new ArgumentNullException(nameof(usage));
        _current = new Generation(initial, version);
    }

    /// <summary>The catalog entry of the version that serves new calls.</summary>
    public ModelEntry Entry => (_pinned ?? Volatile.Read(ref _current)).Session.Entry;

    /// <summary>The version label that serves new calls (a release version, or empty for the catalog pin).</summary>
    public string Version => Volatile.Read(ref _current).Version;

    /// <summary>The version label of the session the last (or current) call ran on.</summary>
    public string CallVersion => (_pinned ?? Volatile.Read(ref _current)).Version;

    /// <summary>The SHA-256 of the model that serves new calls.</summary>
    public string Sha256 => Volatile.Read(ref _current).Session.Entry.Sha256;

    /// <summary>The calls of the version that serves new calls, since it was put into service.</summary>
    public CallWindow Window => Volatile.Read(ref _current).Window;

    /// <summary>How many swaps have completed (the old session disposed) so far.</summary>
    public int Retired => Volatile.Read(ref _retired);

    private int _retired;

    /// <summary>
    /// Puts <paramref name="next"/> into service for new calls and returns the window of the version it replaced.
    /// The replaced session is disposed once no call uses it.
    /// </summary>
    public CallWindow Swap(IInferenceSession next, string version)
    {
        ArgumentNullException.ThrowIfNull(next);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var fresh = new Generation(next, version);
        var old = Interlocked.Exchange(ref _current, fresh);
        Release(old, inline: true);
        return old.Window;
    }

    public Span<T> Input<T>(int index, ReadOnlySpan<long> shape)
        where T : unmanaged
    {
        if (!_callOpen)
        {
            BeginCall();
        }

        return _pinned!.Session.Input<T>(index, shape);
    }

    public void Run()
    {
        if (!_callOpen)
        {
            BeginCall();
        }

        var generation = _pinned!;
        var started = Stopwatch.GetTimestamp();
        try
        {
            generation.Session.Run();
        }
        catch
        {
            _callOpen = false;
            _usage.RecordFailure();
            generation.Window.RecordFailure();
            throw;
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        _callOpen = false;
        _usage.RecordCall(elapsed);
        generation.Window.RecordCall(elapsed, MeanOfOutput0(generation.Session));
    }

    public ReadOnlySpan<T> Output<T>(int index)
        where T : unmanaged => (_pinned ?? throw new InvalidOperationException("no call has run yet")).Session.Output<T>(index);

    public ReadOnlySpan<long> OutputShape(int index) => (_pinned ?? throw new InvalidOperationException("no call has run yet")).Session.OutputShape(index);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_pinned is { } pinned)
        {
            _pinned = null;
            Release(pinned, inline: true);
        }

        Release(Volatile.Read(ref _current), inline: true);
    }

    /// <summary>A new call: let go of the previous call's session and pin the current one.</summary>
    private void BeginCall()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var current = Volatile.Read(ref _current);
        if (!ReferenceEquals(current, _pinned))
        {
            while (!current.TryAddRef())
            {
                // Swapped and released between the read and the add: the newer one is current now.
                current = Volatile.Read(ref _current);
            }

            if (_pinned is { } previous)
            {
                Release(previous, inline: false);
            }

            _pinned = current;
        }

        _callOpen = true;
    }

    /// <summary>
    /// Drops one reference; the last one disposes the session. On the calling pipeline's thread (<paramref name="inline"/>
    /// false) the disposal goes to the thread pool: freeing an ONNX Runtime session takes milliseconds (measured: the
    /// worst call at a swap of silero-vad at 200 calls/s fell from 8-15 ms to 0.9-2.2 ms with it off the caller), and the call that let go must not wait for it.
    /// </summary>
    private void Release(Generation generation, bool inline)
    {
        if (!generation.Release())
        {
            return;
        }

        if (inline)
        {
            Retire(generation);
        }
        else
        {
            ThreadPool.UnsafeQueueUserWorkItem(static state => state.Owner.Retire(state.Generation), (Owner: this, Generation: generation), preferLocal: false);
        }
    }

    private void Retire(Generation generation)
    {
        generation.Session.Dispose();
        Interlocked.Increment(ref _retired);
    }

    private static double? MeanOfOutput0(IInferenceSession session)
    {
        if (session.Entry.Outputs is not [{ Type: "float32" }, ..])
        {
            return null;
        }

        var values = session.Output<float>(0);
        if (values.IsEmpty)
        {
            return null;
        }

        double sum = 0;
        foreach (var v in values)
        {
            sum += v;
        }

        return sum / values.Length;
    }

    /// <summary>One session in service, its window and its reference count (1 for the slot itself).</summary>
    private sealed class Generation(IInferenceSession session, string version)
    {
        private int _refs = 1;

        public IInferenceSession Session { get; } = session;

        public string Version { get; } = version;

        public CallWindow Window { get; } = new();

        public bool TryAddRef()
        {
            int seen;
            do
            {
                seen = Volatile.Read(ref _refs);
                if (seen == 0)
                {
                    return false;
                }
            }
            while (Interlocked.CompareExchange(ref _refs, seen + 1, seen) != seen);

            return true;
        }

        /// <summary>True when this was the last reference (the owner disposes the session).</summary>
        public bool Release() => Interlocked.Decrement(ref _refs) == 0;
    }
}
