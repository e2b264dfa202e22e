namespace EdgeAgent.Core.Pipelines;

/// <summary>Where a pipeline's input comes from: a file, a directory, a camera, a microphone, a recorded trace.</summary>
public interface IFrameSource<out T>
{
    /// <summary>For logs and usage records, e.g. the path or the device.</summary>
    string Name { get; }

    /// <summary>
    /// True for sources that produce at their own pace and cannot wait (camera, microphone): when inference falls
    /// behind, the oldest waiting frame is dropped and counted. False for files: they wait for inference.
    /// </summary>
    bool IsLive { get; }

    IAsyncEnumerable<T> ReadAsync(CancellationToken cancellationToken);
}
