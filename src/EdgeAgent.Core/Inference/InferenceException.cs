namespace EdgeAgent.Core.Inference;

/// <summary>A model could not be loaded or run. The message names the model and the cause.</summary>
public sealed class InferenceException : Exception
{
    public InferenceException()
    {
    }

    public InferenceException(string message)
        : base(message)
    {
    }

    public InferenceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
