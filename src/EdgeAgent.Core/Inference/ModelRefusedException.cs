namespace EdgeAgent.Core.Inference;

/// <summary>
/// A model that must not be put into service: a file that does not hash to its pin, tensors that differ from the
/// catalog, a runtime that cannot load it, or a failed self-test. <see cref="Problems"/> says each thing, with what
/// was expected.
/// </summary>
public sealed class ModelRefusedException : Exception
{
    public ModelRefusedException(string model, IReadOnlyList<string> problems)
        : base($"model '{model}' refused: {string.Join("; ", problems)}")
    {
        Model = model;
        Problems = problems;
    }

    public ModelRefusedException()
    {
    }

    public ModelRefusedException(string message)
        : base(message)
    {
    }

    public ModelRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public string Model { get; } = "";

    public IReadOnlyList<string> Problems { get; } = [];
}
