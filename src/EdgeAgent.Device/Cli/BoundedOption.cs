using System.CommandLine;

namespace EdgeAgent.Device.Cli;

/// <summary>An integer option checked against its range at parse time, the message naming the option and the range.</summary>
internal static class BoundedOption
{
    public static Option<int> Int(string name, string description, int defaultValue, int min, int max)
    {
        var option = new Option<int>(name) { Description = $"{description} Default {defaultValue}.", DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < min || r.GetValueOrDefault<int>() > max)
            {
                r.AddError($"{name} must be between {min} and {max}");
            }
        });
        return option;
    }
}
