using System.Runtime.CompilerServices;
using EdgeAgent.Core.Pipelines;

namespace EdgeAgent.Core.Tests.Pipelines;

public sealed class PipelineTests
{
    [Fact]
    public async Task RunAsync_FileSource_ProcessesEveryFrameInOrder()
    {
        var results = new List<int>();
        var pipeline = new Pipeline<int, int>(new ListSource(live: false, Enumerable.Range(0, 50)), f => f * 2, [results.Add]);

        await pipeline.RunAsync(CancellationToken.None);

        Assert.Equal(Enumerable.Range(0, 50).Select(f => f * 2), results);
        Assert.Equal(50, pipeline.FramesRead);
        Assert.Equal(50, pipeline.FramesProcessed);
        Assert.Equal(0, pipeline.FramesDropped);
    }

    [Fact]
    public async Task RunAsync_LiveSourceFasterThanInference_DropsOldestAndCountsThem()
    {
        // Inference takes frame 0 and is held there while the source produces the other 99 (the source waits until the
        // first frame was taken, so the order of the two loops cannot change the outcome); a buffer of 2 then holds the
        // two newest, so exactly 3 frames are processed (0, 98, 99) and 97 dropped.
        var source = new ListSource(live: true, Enumerable.Range(0, 100));
        var processed = new List<int>();
        var pipeline = new Pipeline<int, int>(source, f =>
        {
            source.FirstTaken.TrySetResult();
            source.Finished.Task.Wait(TimeSpan.FromSeconds(30));
            return f;
        }, [processed.Add], liveCapacity: 2);

        await pipeline.RunAsync(CancellationToken.None);

        Assert.Equal(100, pipeline.FramesRead);
        Assert.Equal(3, pipeline.FramesProcessed);
        Assert.Equal(97, pipeline.FramesDropped);
        Assert.Equal([0, 98, 99], processed);
    }

    [Fact]
    public async Task RunAsync_ProcessingFails_StopsTheLiveSourceAndRethrows()
    {
        var source = new EndlessSource();
        var pipeline = new Pipeline<int, int>(source, f => f < 10 ? f : throw new InvalidOperationException("model failed"), []);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => pipeline.RunAsync(CancellationToken.None));

        Assert.Equal("model failed", e.Message);
        Assert.True(source.Stopped.Task.IsCompleted);
    }

    private sealed class ListSource(bool live, IEnumerable<int> frames) : IFrameSource<int>
    {
        public TaskCompletionSource Finished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Set by a test's inference when it takes its first frame; a live source waits for it after frame 0.</summary>
        public TaskCompletionSource FirstTaken { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Name => "list";

        public bool IsLive => live;

        public async IAsyncEnumerable<int> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var first = true;
            foreach (var f in frames)
            {
                await Task.Yield();
                yield return f;
                if (first && live)
                {
                    first = false;
                    await FirstTaken.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
                }
            }

            Finished.TrySetResult();
        }
    }

    private sealed class EndlessSource : IFrameSource<int>
    {
        public TaskCompletionSource Stopped { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Name => "endless";

        public bool IsLive => true;

        public async IAsyncEnumerable<int> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            try
            {
                for (var i = 0; ; i++)
                {
                    await Task.Yield();
                    cancellationToken.ThrowIfCancellationRequested();
                    yield return i;
                }
            }
            finally
            {
                Stopped.TrySetResult();
            }
        }
    }
}
