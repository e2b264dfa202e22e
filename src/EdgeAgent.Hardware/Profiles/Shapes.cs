using System.Text.RegularExpressions;

namespace EdgeAgent.Hardware.Profiles;

/// <summary>
/// The structure of a profile as data (the same structure <c>hardware/schema/*.schema.json</c> gives editors):
/// which properties an object has, which are required, their types, enumerations, patterns and ranges.
/// <see cref="StructureValidator"/> walks a document against it and collects every mismatch.
/// </summary>
internal abstract record Shape(string Expected);

internal sealed record StringShape(IReadOnlyList<string>? Allowed = null, string? AllowedName = null, Regex? Pattern = null, string? PatternHint = null)
    : Shape(Allowed is null ? "a string" : $"a string, one of: {string.Join(", ", Allowed)}");

internal sealed record IntegerShape(long Min, long Max, IReadOnlyList<int>? Allowed = null) : Shape("an integer");

internal sealed record NumberShape(double Min = double.NegativeInfinity, double Max = double.PositiveInfinity) : Shape("a number");

internal sealed record BooleanShape() : Shape("true or false");

internal sealed record ArrayShape(Shape Items, int MinItems = 0, bool UniqueItems = false) : Shape("an array");

/// <summary>An object used as a map: any key matching <paramref name="KeyPattern"/>, every value of one shape.</summary>
internal sealed record MapShape(Regex KeyPattern, string KeyHint, Shape Values, int MinEntries = 0) : Shape("an object");

internal sealed record ObjectShape(string What, IReadOnlyList<PropertyShape> Properties) : Shape("an object")
{
    public PropertyShape? Find(string name) => Properties.FirstOrDefault(p => p.Name == name);
}

internal sealed record PropertyShape(string Name, Shape Shape, bool Required = false);

/// <summary>The shapes of board and product profiles.</summary>
internal static partial class ProfileShapes
{
    public const string ProfileIdPattern = "^[a-z][a-z0-9-]{0,63}$";
    public const string NamePattern = "^[a-z][a-z0-9_-]{0,31}$";
    public const string FaultCodePattern = "^[a-z][a-z0-9_.-]{0,63}$";
    public const string SignalPattern = "^[a-z][a-z0-9_-]{0,31}\\.[a-z][a-z0-9_]{0,31}$";

    private const string NameHint = "is not a valid name: lower-case letter first, then lower-case letters, digits, '_' or '-', at most 32 characters";

    private static readonly StringShape ProfileId = new(Pattern: ProfileIdRegex(), PatternHint: "is not a valid profile id: lower-case letter first, then lower-case letters, digits or '-', at most 64 characters (e.g. 'raspberry-pi-5')");
    private static readonly StringShape Name = new(Pattern: NameRegex(), PatternHint: NameHint);
    private static readonly StringShape Text = new(Pattern: NonEmptyRegex(), PatternHint: "is empty; give some text");
    private static readonly StringShape Path = new(Pattern: NoSpaceRegex(), PatternHint: "is not a device path: no spaces, not empty");
    private static readonly StringShape Signal = new(Pattern: SignalRegex(), PatternHint: "is not a signal name: write {sensor id}.{quantity}, e.g. 'imu.motion_g'");
    private static readonly ArrayShape Notes = new(Text);
    private static readonly PropertyShape SchemaProperty = new("$schema", new StringShape());

    private static StringShape Enum(IReadOnlyList<string> values, string name) => new(values, name);

    private static MapShape DeviceMap(string what) =>
        new(NameRegex(), $"is not a valid {what} id: lower-case letter first, then lower-case letters, digits, '_' or '-', at most 32 characters", Path);

    public static readonly ObjectShape Board = new("a board profile",
    [
        SchemaProperty,
        new("id", ProfileId, Required: true),
        new("name", Text, Required: true),
        new("soc", Text, Required: true),
        new("arch", Enum(ProfileVocabulary.Archs, "an architecture"), Required: true),
        new("gpio_chip", Path, Required: true),
        new("gpio_lines", new MapShape(PinKeyRegex(), "is not a pin number (digits, e.g. \"17\")", new ObjectShape("a GPIO line",
        [
            new("chip", Path, Required: true),
            new("line", new IntegerShape(0, 1023), Required: true),
            new("note", Text),
        ]))),
        new("i2c", DeviceMap("I2C bus"), Required: true),
        new("spi", DeviceMap("SPI device"), Required: true),
        new("uart", DeviceMap("UART"), Required: true),
        new("cameras", DeviceMap("camera"), Required: true),
        new("audio", DeviceMap("audio device"), Required: true),
        new("inference_cores", new ArrayShape(new IntegerShape(0, 255), MinItems: 1, UniqueItems: true), Required: true),
        new("companion", new ObjectShape("the companion port",
        [
            new("port", Path, Required: true),
            new("baud", new IntegerShape(1, 4_000_000, ProfileVocabulary.BaudRates)),
        ])),
        new("simulated", new BooleanShape()),
        new("notes", Notes),
    ]);

    private static readonly ObjectShape Condition = new("a condition",
    [
        new("signal", Signal, Required: true),
        new("op", Enum(ProfileVocabulary.Ops, "an operator"), Required: true),
        new("stat", Enum(ProfileVocabulary.Stats, "a statistic")),
        new("window_s", new NumberShape(0, 86400)),
        new("value", new NumberShape(), Required: true),
    ]);

    private static readonly ObjectShape Sensor = new("a sensor",
    [
        new("id", Name, Required: true),
        new("kind", Enum([.. ProfileVocabulary.Kinds.Select(k => k.Name)], "a sensor kind"), Required: true),
        new("chip", Name, Required: true),
        new("bus", Name),
        new("address", new StringShape()),
        new("uart", Name),
        new("baud", new IntegerShape(1, 4_000_000, ProfileVocabulary.BaudRates)),
        new("camera", Name),
        new("audio", Name),
        new("period_ms", new IntegerShape(10, 60000)),
        new("required", new BooleanShape()),
        new("settings", new MapShape(NameRegex(), NameHint, new NumberShape())),
    ]);

    public static readonly ObjectShape Product = new("a product profile",
    [
        SchemaProperty,
        new("id", ProfileId, Required: true),
        new("name", Text, Required: true),
        new("boards", new ArrayShape(ProfileId, MinItems: 1, UniqueItems: true), Required: true),
        new("sensors", new ArrayShape(Sensor, MinItems: 1), Required: true),
        new("pipelines", new ArrayShape(new ObjectShape("a pipeline",
        [
            new("model", Enum(ProfileVocabulary.ModelNames, "a pipeline model"), Required: true),
            new("source", Name, Required: true),
        ]))),
        new("modes", new ObjectShape("the modes section",
        [
            new("evaluate_ms", new IntegerShape(100, 60000)),
            new("default", new ObjectShape("the default mode",
            [
                new("name", Name, Required: true),
                new("class", Enum(ProfileVocabulary.Classes, "a mode class"), Required: true),
            ]), Required: true),
            new("states", new ArrayShape(new ObjectShape("a mode state",
            [
                new("name", Name, Required: true),
                new("class", Enum(ProfileVocabulary.Classes, "a mode class"), Required: true),
                new("enter_s", new NumberShape(0, 86400)),
                new("session", new BooleanShape()),
                new("all", new ArrayShape(Condition)),
                new("any", new ArrayShape(Condition)),
            ]))),
        ]), Required: true),
        new("faults", new ArrayShape(new ObjectShape("a fault",
        [
            new("code", new StringShape(Pattern: FaultCodeRegex(), PatternHint: "is not a fault code: lower-case letter first, then lower-case letters, digits, '_', '.' or '-', at most 64 characters (e.g. 'temperature.high')"), Required: true),
            new("subsystem", Enum(ProfileVocabulary.Subsystems, "a subsystem"), Required: true),
            new("signal", Signal, Required: true),
            new("raise_above", new NumberShape()),
            new("clear_below", new NumberShape()),
            new("raise_below", new NumberShape()),
            new("clear_above", new NumberShape()),
            new("for_s", new NumberShape(0, 86400)),
            new("severity", Enum(ProfileVocabulary.Severities, "a severity"), Required: true),
            new("relevant", new BooleanShape()),
        ]))),
        new("controls", new ObjectShape("the controls section",
        [
            new("status_led", new ObjectShape("the status LED",
            [
                new("pin", new IntegerShape(0, 511), Required: true),
                new("active_low", new BooleanShape()),
            ])),
            new("button", new ObjectShape("the button",
            [
                new("pin", new IntegerShape(0, 511), Required: true),
                new("active_low", new BooleanShape()),
                new("long_press_ms", new IntegerShape(500, 60000)),
                new("action", Enum(ProfileVocabulary.Actions, "a button action")),
            ])),
        ])),
        new("companion", new ObjectShape("the companion section",
        [
            new("button_action", Enum(ProfileVocabulary.Actions, "a button action")),
        ])),
        new("notes", Notes),
    ]);

    [GeneratedRegex(ProfileIdPattern)]
    internal static partial Regex ProfileIdRegex();

    [GeneratedRegex(NamePattern)]
    internal static partial Regex NameRegex();

    [GeneratedRegex(FaultCodePattern)]
    internal static partial Regex FaultCodeRegex();

    [GeneratedRegex(SignalPattern)]
    internal static partial Regex SignalRegex();

    [GeneratedRegex("^(0|[1-9][0-9]{0,2})$")]
    private static partial Regex PinKeyRegex();

    [GeneratedRegex("\\S")]
    private static partial Regex NonEmptyRegex();

    [GeneratedRegex("^\\S+$")]
    private static partial Regex NoSpaceRegex();
}
