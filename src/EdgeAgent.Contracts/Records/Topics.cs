using System.Text.RegularExpressions;

namespace EdgeAgent.Contracts.Records;

/// <summary>
/// The MQTT topic scheme: <c>ea/v1/{product}/{device}/evt</c> device → hub batches, <c>.../ack</c> hub → device
/// acknowledgements, <c>.../cmd/{name}</c> hub → device commands, <c>.../state</c> retained status that is never evidence,
/// <c>.../clock</c> the device's half of the clock-sync exchange (answered on <c>.../cmd/clock</c>).
/// </summary>
public static partial class Topics
{
    public const string Prefix = "ea/v1";

    public static string Events(string product, string device) => $"{Device(product, device)}/evt";

    public static string Ack(string product, string device) => $"{Device(product, device)}/ack";

    public static string Command(string product, string device, string name) => $"{Device(product, device)}/cmd/{Segment(name, nameof(name))}";

    public static string State(string product, string device) => $"{Device(product, device)}/state";

    public static string Clock(string product, string device) => $"{Device(product, device)}/clock";

    /// <summary>The command name of the hub's clock-sync answer (<c>.../cmd/clock</c>).</summary>
    public const string ClockCommand = "clock";

    /// <summary>The command name of the hub's retained model directive (<c>.../cmd/model</c>, a <c>ModelDirective</c>).</summary>
    public const string ModelCommand = "model";

    /// <summary>The hub's subscription for every device's batches.</summary>
    public const string AllEvents = Prefix + "/+/+/evt";

    /// <summary>The hub's subscription for every device's clock-sync requests.</summary>
    public const string AllClock = Prefix + "/+/+/clock";

    /// <summary>Splits <c>ea/v1/{product}/{device}/{kind}[/...]</c>; false for anything else.</summary>
    public static bool TryParse(string topic, out string product, out string device, out string kind)
    {
        var m = TopicPattern().Match(topic);
        (product, device, kind) = m.Success ? (m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value) : ("", "", "");
        return m.Success;
    }

    private static string Device(string product, string device) => $"{Prefix}/{Segment(product, nameof(product))}/{Segment(device, nameof(device))}";

    private static string Segment(string value, string name) =>
        RecordCodec.IsValidId(value) ? value : throw new ArgumentException($"{name} '{value}' must be 1-64 of A-Z a-z 0-9 . _ -", name);

    [GeneratedRegex("^ea/v1/([A-Za-z0-9._-]{1,64})/([A-Za-z0-9._-]{1,64})/(evt|ack|state|clock|cmd/[A-Za-z0-9._-]{1,64})$")]
    private static partial Regex TopicPattern();
}
