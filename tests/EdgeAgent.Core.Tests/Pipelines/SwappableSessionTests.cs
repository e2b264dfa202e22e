using EdgeAgent.Contracts.Catalog;
using EdgeAgent.Core.Inference;
using EdgeAgent.Core.Pipelines;

namespace EdgeAgent.Core.Tests.Pipelines;

public sealed class SwappableSessionTests
{
    [Fact]
    public void Swap_CallInFlight_FinishesOnOldSessionAndNextCallUsesNew()
    {
        using var old = new CountingSession("old", 1f);
        using var fresh = new CountingSession("new", 2f);
        var usage = new ModelUsage("m");
        using var session = new SwappableSession(old, usage);

        session.Input<float>(0, [1])[0] = 5;       // a call begins on old
        session.Swap(fresh, "2.0.0");              // the swap lands mid-call
        session.Run();
        Assert.Equal(5f, session.Output<float>(0)[0]); // old: output = input x 1
        Assert.False(old.Disposed);                    // the call has not returned yet

        session.Input<float>(0, [1])[0] = 5;       // the next call
        session.Run();

        Assert.Equal(10f, session.Output<float>(0)[0]); // new: x 2
        Assert.True(SpinWait.SpinUntil(() => old.Disposed, TimeSpan.FromSeconds(10)), "the old session was never disposed");
        Assert.NotEqual(Environment.CurrentManagedThreadId, old.DisposedOnThread); // not on the caller: it does not wait for it
        Assert.Equal(1, old.Runs);
        Assert.Equal(1, fresh.Runs);
        Assert.Equal(2, usage.Calls);
        Assert.Equal("2.0.0", session.Version);
        Assert.Equal(1, session.Window.Figures.Calls);
    }

    [Fact]
    public void Run_Failure_CountedInTheVersionsWindowAndUsage()
    {
        using var failing = new CountingSession("bad", 1f) { FailAbove = 3 };
        var usage = new ModelUsage("m");
        using var session = new SwappableSession(failing, usage);

        session.Input<float>(0, [1])[0] = 1;
        session.Run();
        session.Input<float>(0, [1])[0] = 4;
        Assert.Throws<InferenceException>(session.Run);

        Assert.Equal(new CallFigures { Calls = 2, Failures = 1, P95Ms = session.Window.Figures.P95Ms, OutputSamples = 1, OutputMean = 1 }, session.Window.Figures);
        Assert.Equal(1, usage.Failures);
    }

    [Fact]
    public async Task Swap_ManySwapsWhileACallerRuns_NoCallFailsAndEachSessionDisposedOnceAfterItsLastCall()
    {
        var usage = new ModelUsage("m");
        var sessions = new List<CountingSession> { new("v0", 1f) };
        using var session = new SwappableSession(sessions[0], usage);
        using var stop = new CancellationTokenSource();
        var calls = 0L;
        var caller = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                session.Input<float>(0, [1])[0] = 1;
                session.Run();
                var y = session.Output<float>(0)[0];
                Assert.True(y >= 1f);
                calls++;
            }
        });

        for (var i = 1; i <= 200; i++)
        {
            var next = new CountingSession($"v{i}", i + 1f);
            sessions.Add(next);
            session.Swap(next, $"{i}.0.0");
            var target = Interlocked.Read(ref calls) + 3;
            while (Interlocked.Read(ref calls) < target && !caller.IsCompleted)
            {
                await Task.Yield();
            }
        }

        await stop.CancelAsync();
        await caller;

        Assert.Equal(0, usage.Failures);
        Assert.All(sessions[..^1], s => Assert.True(s.Disposed, $"{s.Name} was not disposed"));
        Assert.False(sessions[^1].Disposed);
        Assert.All(sessions, s => Assert.Equal(0, s.UsedAfterDispose));
        Assert.Equal(200, session.Retired);
    }

    /// <summary>y = x × factor; counts runs; refuses to be used after dispose.</summary>
    private sealed class CountingSession(string name, float factor) : IInferenceSession
    {
        private readonly float[] _x = new float[1];
        private readonly float[] _y = new float[1];
        private int _disposed;
        private int _usedAfterDispose;

        public string Name { get; } = name;

        public int Runs { get; private set; }

        public float? FailAbove { get; init; }

        public bool Disposed => Volatile.Read(ref _disposed) != 0;

        public int UsedAfterDispose => Volatile.Read(ref _usedAfterDispose);

        public ModelEntry Entry { get; } = new()
        {
            Name = "m",
            Task = "test",
            License = "MIT",
            Source = new PackageSource { Npm = "x", Version = "1", Path = "m.onnx" },
            Sha256 = new string('0', 64),
            Inputs = [new TensorSpec { Name = "x", Type = "float32", Shape = [1] }],
            Outputs = [new TensorSpec { Name = "y", Type = "float32", Shape = [1] }],
        };

        public Span<T> Input<T>(int index, ReadOnlySpan<long> shape)
            where T : unmanaged
        {
            Check();
            return System.Runtime.InteropServices.MemoryMarshal.Cast<float, T>(_x.AsSpan());
        }

        public void Run()
        {
            Check();
            if (_x[0] > FailAbove)
            {
                throw new InferenceException($"{Name}: input {_x[0]} out of range");
            }

            _y[0] = _x[0] * factor;
            Runs++;
        }

        public ReadOnlySpan<T> Output<T>(int index)
            where T : unmanaged
        {
            Check();
            return System.Runtime.InteropServices.MemoryMarshal.Cast<float, T>(_y.AsSpan());
        }

        public ReadOnlySpan<long> OutputShape(int index) => new long[] { 1 };

        /// <summary>The managed thread that disposed it (0 while not disposed).</summary>
        public int DisposedOnThread { get; private set; }

        public void Dispose()
        {
            DisposedOnThread = Environment.CurrentManagedThreadId;
            Interlocked.Exchange(ref _disposed, 1);
        }

        private void Check()
        {
            if (Disposed)
            {
                Interlocked.Increment(ref _usedAfterDispose);
            }
        }
    }
}
