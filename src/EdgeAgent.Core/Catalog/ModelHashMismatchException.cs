namespace EdgeAgent.Core.Catalog;

/// <summary>A file whose bytes do not hash to what the catalog pins. It is never put into the cache.</summary>
public sealed class ModelHashMismatchException : Exception
{
    public ModelHashMismatchException(string model, string file, string expected, string actual, string origin)
        : base($"model '{model}': {file} from {origin} has sha256 {actual}, but the catalog pins {expected}. " +
               "The package changed or the pin is wrong; fix models/catalog.json only after checking where the new bytes come from.")
    {
        Model = model;
        Expected = expected;
        Actual = actual;
    }

    public ModelHashMismatchException()
    {
    }

    public ModelHashMismatchException(string message)
        : base(message)
    {
    }

    public ModelHashMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public string Model { get; } = "";

    public string Expected { get; } = "";

    public string Actual { get; } = "";
}
