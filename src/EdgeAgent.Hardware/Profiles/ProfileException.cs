namespace EdgeAgent.Hardware.Profiles;

/// <summary>One problem in a profile: the file, the field (a JSON path such as <c>sensors[2].chip</c>) and what is wrong with it, allowed values included.</summary>
public sealed record ProfileError(string File, string Field, string Problem)
{
    public override string ToString() => $"{File}: {Field} {Problem}";
}

/// <summary>
/// A board or product profile that cannot be used. The message has one line per problem, each naming the file, the
/// field and the allowed values, e.g. <c>hardware/products/drone.json: sensors[2].chip 'bme680' is not a chip of kind
/// environment; allowed: bme280</c>. All problems of a file are reported, not only the first.
/// </summary>
public sealed class ProfileException : Exception
{
    public ProfileException(IReadOnlyList<ProfileError> errors)
        : base(Describe(errors))
    {
        Errors = errors;
    }

    public ProfileException(string file, string field, string problem)
        : this([new ProfileError(file, field, problem)])
    {
    }

    public ProfileException(string file, string field, string problem, Exception innerException)
        : base(new ProfileError(file, field, problem).ToString(), innerException)
    {
        Errors = [new ProfileError(file, field, problem)];
    }

    public ProfileException()
        : this([])
    {
    }

    public ProfileException(string message)
        : base(message)
    {
        Errors = [];
    }

    public ProfileException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    /// <summary>Every problem found, in file order.</summary>
    public IReadOnlyList<ProfileError> Errors { get; }

    private static string Describe(IReadOnlyList<ProfileError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return errors.Count switch
        {
            0 => "the profile is not valid",
            1 => errors[0].ToString(),
            _ => $"{errors.Count} problems:{Environment.NewLine}{string.Join(Environment.NewLine, errors)}",
        };
    }
}
