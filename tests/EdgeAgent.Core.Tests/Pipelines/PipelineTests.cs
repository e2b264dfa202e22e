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
        // The source produces 100 frames while the first frame's inference is held; a buffer of 2 then holds the two
        // newest, so exactly 3 frames are processed and 97 dropped, whichever frame inference happened to take first.
        var source = new ListSource(live: true, Enumerable.Range(0, 100));
        var processed = new List<int>();
        var pipeline = new Pipeline<int, int>(source, f =>
        {
            source.Finished.Task.Wait(TimeSpan.FromSeconds(30));
            return f;
        }, [processed.Add], liveCapacity: 2);

        await pipeline.RunAsync(CancellationToken.None);

        Assert.Equal(100, pipeline.FramesRead);
        Assert.Equal(3, pipeline.FramesProcessed);
        Assert.Equal(97, pipeline.FramesDropped);
        Assert.Equal([98, 99], processed.Skip(1));
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

        public string Name => "list";

        public bool IsLive => live;

        public async IAsyncEnumerable<int> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            foreach (var f in frames)
            {
                await Task.Yield();
                yield return f;
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
