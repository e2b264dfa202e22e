namespace EdgeAgent.Contracts.Catalog;

/// <summary>A catalog file that cannot be used. The message names the file, the field and what is allowed.</summary>
public sealed class CatalogException : Exception
{
    public CatalogException(string file, string field, string problem)
        : base($"{file}: {field}: {problem}")
    {
        File = file;
        Field = field;
    }

    public CatalogException(string file, string field, string problem, Exception inner)
        : base($"{file}: {field}: {problem}", inner)
    {
        File = file;
        Field = field;
    }

    public CatalogException()
    {
    }

    public CatalogException(string message)
        : base(message)
    {
    }

    public CatalogException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public string File { get; } = "";

    public string Field { get; } = "";
}
