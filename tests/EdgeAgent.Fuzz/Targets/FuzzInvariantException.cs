namespace EdgeAgent.Fuzz.Targets;

/// <summary>Thrown by a target when the API returned but broke a promise it documents: reported as a finding like any other exception.</summary>
internal sealed class FuzzInvariantException : Exception
{
    /// <summary>Throws when <paramref name="condition"/> is false, naming the broken promise.</summary>
    public static void ThrowUnless(bool condition, string what)
    {
        if (!condition)
        {
            throw new FuzzInvariantException(what);
        }
    }

    public FuzzInvariantException()
    {
    }

    public FuzzInvariantException(string message)
        : base(message)
    {
    }

    public FuzzInvariantException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
