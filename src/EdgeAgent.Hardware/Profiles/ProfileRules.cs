using System.Globalization;
using System.Text.RegularExpressions;

namespace EdgeAgent.Hardware.Profiles;

/// <summary>
/// The rules a structurally valid profile must also follow: a board's device paths, a product's kinds and chips,
/// addresses, settings, signal references, mode names and fault thresholds, and the cross-references between a
/// product and the board it runs on. Every rule adds to the error list; none stops at the first problem.
/// </summary>
internal static partial class ProfileRules
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The number of a <c>"0x68"</c>-style address, or null when it is not one.</summary>
    public static int? ParseAddress(string text) =>
        AddressRegex().IsMatch(text) ? int.Parse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, Inv) : null;

    public static void CheckBoard(BoardProfile board, string file, List<ProfileError> errors)
    {
        CheckId(board.Id, file, errors);
        var sim = board.Simulated;
        CheckPath(file, "gpio_chip", board.GpioChip, sim ? SimRegex() : GpioChipRegex(), sim, "/dev/gpiochip0", errors);
        foreach (var (pin, line) in board.GpioLines ?? new Dictionary<string, GpioLine>())
        {
            CheckPath(file, $"gpio_lines.{pin}.chip", line.Chip, sim ? SimRegex() : GpioChipRegex(), sim, "/dev/gpiochip0", errors);
        }

        CheckPaths(file, "i2c", board.I2c, sim ? SimRegex() : I2cRegex(), sim, "/dev/i2c-1", errors);
        CheckPaths(file, "spi", board.Spi, sim ? SimRegex() : SpiRegex(), sim, "/dev/spidev0.0", errors);
        CheckPaths(file, "uart", board.Uart, sim ? SimRegex() : UartRegex(), sim, "/dev/ttyAMA0", errors);
        CheckPaths(file, "cameras", board.Cameras, sim ? SimRegex() : CameraRegex(), sim, "/dev/video0 or /dev/v4l/by-id/...", errors);
        CheckPaths(file, "audio", board.Audio, sim ? SimRegex() : AlsaRegex(), sim, "an ALSA name such as default or plughw:CARD=Device,DEV=0", errors);
        if (board.Companion is { } companion)
        {
            CheckPath(file, "companion.port", companion.Port, sim ? SimRegex() : UartRegex(), sim, "/dev/ttyAMA1", errors);
        }

        if (board.GpioLines is { } lines)
        {
            foreach (var pin in lines.Keys.Where(k => int.Parse(k, Inv) > MaxPin))
            {
                errors.Add(new(file, $"gpio_lines.{pin}", string.Create(Inv, $"'{pin}' is out of range; allowed pins: 0..{MaxPin}")));
            }
        }

        void CheckId(string id, string f, List<ProfileError> list)
        {
            var expected = Path.GetFileNameWithoutExtension(f);
            if (id != expected)
            {
                list.Add(new(f, "id", $"'{id}' must equal the file name; allowed: {expected}"));
            }
        }
    }

    private const int MaxPin = 511;

    private static void CheckPaths(string file, string map, IReadOnlyDictionary<string, string> paths, Regex pattern, bool simulated, string example, List<ProfileError> errors)
    {
        foreach (var (id, path) in paths)
        {
            CheckPath(file, $"{map}.{id}", path, pattern, simulated, example, errors);
        }
    }

    private static void CheckPath(string file, string field, string path, Regex pattern, bool simulated, string example, List<ProfileError> errors)
    {
        if (!pattern.IsMatch(path))
        {
            errors.Add(new(file, field, simulated
                ? $"'{path}' is not a symbolic path of the simulated board; allowed: sim:{{name}}, e.g. sim:i2c1"
                : $"'{path}' is not a device path of this kind; allowed: {example} (sim:... paths only on a board with \"simulated\": true)"));
        }
    }

    /// <summary>The rules within one product file.</summary>
    public static void CheckProduct(ProductProfile product, List<ProfileError> errors)
    {
        var file = product.SourceFile;
        var expected = Path.GetFileNameWithoutExtension(file);
        if (product.Id != expected)
        {
            errors.Add(new(file, "id", $"'{product.Id}' must equal the file name; allowed: {expected}"));
        }

        CheckSensors(product, file, errors);
        CheckPipelines(product, file, errors);
        CheckModes(product, file, errors);
        CheckFaults(product, file, errors);
        if (product.Controls is { StatusLed: { } led, Button: { } button } && led.Pin == button.Pin)
        {
            errors.Add(new(file, "controls.button.pin", string.Create(Inv, $"{button.Pin} is the status LED's pin too; give the button its own pin")));
        }
    }

    private static void CheckSensors(ProductProfile product, string file, List<ProfileError> errors)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var taken = new Dictionary<(string Bus, int Address), int>();
        for (var i = 0; i < product.Sensors.Count; i++)
        {
            var s = product.Sensors[i];
            var at = $"sensors[{i}]";
            if (!ids.TryAdd(s.Id, i))
            {
                errors.Add(new(file, $"{at}.id", $"'{s.Id}' is already the id of sensors[{ids[s.Id]}]; sensor ids are unique (ids in use: {string.Join(", ", ids.Keys)})"));
            }

            var kind = ProfileVocabulary.Kind(s.Kind)!;
            if (!kind.Chips.Contains(s.Chip, StringComparer.Ordinal))
            {
                errors.Add(new(file, $"{at}.chip", $"'{s.Chip}' is not a chip of kind {kind.Name}; allowed: {string.Join(", ", kind.Chips)}"));
            }

            CheckConnection(s, kind, file, at, errors);
            if (s.Chip == ProfileVocabulary.CompanionChip && product.Companion is null)
            {
                errors.Add(new(file, $"{at}.chip", $"'{s.Chip}' is read through the companion microcontroller, but the product has no companion section; add \"companion\": {{}} (the product carries one), or use a chip of kind {kind.Name} on a bus: {string.Join(", ", kind.Chips.Where(c => c != ProfileVocabulary.CompanionChip))}"));
            }

            if (kind.Bus == SensorBus.I2c && s.Chip != ProfileVocabulary.CompanionChip && s.Address is not null && kind.Chips.Contains(s.Chip, StringComparer.Ordinal))
            {
                var address = CheckAddress(s, file, at, errors);
                if (address is { } a && s.Bus is not null)
                {
                    if (taken.TryGetValue((s.Bus, a), out var other))
                    {
                        errors.Add(new(file, $"{at}.address", string.Create(Inv, $"0x{a:x2} on bus {s.Bus} is taken by sensors[{other}] ({product.Sensors[other].Id}); one chip per bus address (addresses in use on {s.Bus}: {string.Join(", ", taken.Keys.Where(k => k.Bus == s.Bus).Select(k => $"0x{k.Address:x2}"))})")));
                    }
                    else
                    {
                        taken[(s.Bus, a)] = i;
                    }
                }
            }

            if (kind.Chips.Contains(s.Chip, StringComparer.Ordinal))
            {
                CheckSettings(s, file, at, errors);
            }
        }
    }

    private static void CheckConnection(ProductSensor s, SensorKindInfo kind, string file, string at, List<ProfileError> errors)
    {
        var (wanted, description) = s.Chip == ProfileVocabulary.CompanionChip ? (Array.Empty<string>(), "read through the companion's link (the board's companion port): give none of bus, address, uart, baud, camera, audio") : kind.Bus switch
        {
            SensorBus.I2c => (new[] { "bus", "address" }, "an I2C sensor: give bus and address"),
            SensorBus.Uart => (["uart", "baud"], "a serial sensor: give uart and baud"),
            SensorBus.Camera => (["camera"], "a camera: give camera"),
            _ => (["audio"], "a microphone: give audio"),
        };

        var given = new (string Name, bool Present)[]
        {
            ("bus", s.Bus is not null), ("address", s.Address is not null), ("uart", s.Uart is not null),
            ("baud", s.Baud is not null), ("camera", s.Camera is not null), ("audio", s.Audio is not null),
        };

        foreach (var (name, present) in given)
        {
            if (present && !wanted.Contains(name))
            {
                errors.Add(new(file, $"{at}.{name}", wanted.Length == 0
                    ? $"is not used by chip {s.Chip}, {description}; allowed: none of them"
                    : $"is not used by kind {kind.Name}, {description}; allowed: {string.Join(", ", wanted)}"));
            }
            else if (!present && wanted.Contains(name))
            {
                errors.Add(new(file, $"{at}.{name}", $"is missing; kind {kind.Name} is {description}"));
            }
        }
    }

    private static int? CheckAddress(ProductSensor s, string file, string at, List<ProfileError> errors)
    {
        var range = string.Create(Inv, $"0x{ProfileVocabulary.MinAddress:x2}..0x{ProfileVocabulary.MaxAddress:x2}");
        var address = ParseAddress(s.Address!);
        if (address is null)
        {
            errors.Add(new(file, $"{at}.address", $"'{s.Address}' is not an I2C address; write the 7-bit address in hex as a string, e.g. \"0x68\"; allowed: {range}"));
            return null;
        }

        if (address < ProfileVocabulary.MinAddress || address > ProfileVocabulary.MaxAddress)
        {
            errors.Add(new(file, $"{at}.address", $"'{s.Address}' is outside the 7-bit addresses a device may use (UM10204 reserves 0x00..0x07 and 0x78..0x7f); allowed: {range}"));
            return null;
        }

        var allowed = ProfileVocabulary.ChipAddresses[s.Chip];
        if (!allowed.Contains(address.Value))
        {
            errors.Add(new(file, $"{at}.address", $"'{s.Address}' is not an address the {s.Chip} answers at; allowed: {Addresses(allowed)}"));
            return null;
        }

        return address;
    }

    private static string Addresses(IReadOnlyList<int> addresses) =>
        addresses.Count > 8
            ? string.Create(Inv, $"0x{addresses[0]:x2}..0x{addresses[^1]:x2}") + (addresses.Count < addresses[^1] - addresses[0] + 1 ? " except " + string.Join(", ", Enumerable.Range(addresses[0], addresses[^1] - addresses[0] + 1).Except(addresses).Select(a => string.Create(Inv, $"0x{a:x2}"))) : "")
            : string.Join(", ", addresses.Select(a => string.Create(Inv, $"0x{a:x2}")));

    private static void CheckSettings(ProductSensor s, string file, string at, List<ProfileError> errors)
    {
        var allowed = ProfileVocabulary.ChipSettings.GetValueOrDefault(s.Chip) ?? [];
        foreach (var (name, value) in s.Settings)
        {
            var setting = allowed.FirstOrDefault(x => x.Name == name);
            if (setting is null)
            {
                errors.Add(new(file, $"{at}.settings.{name}", allowed.Count == 0
                    ? $"is not a setting of the {s.Chip}; it takes none"
                    : $"is not a setting of the {s.Chip}; allowed: {string.Join(", ", allowed.Select(x => x.Name))}"));
            }
            else if (!setting.Allows(value))
            {
                errors.Add(new(file, $"{at}.settings.{name}", setting.Values is { } values
                    ? string.Create(Inv, $"{value} is not allowed for the {s.Chip}; allowed: {string.Join(", ", values.Select(v => v.ToString(Inv)))}")
                    : string.Create(Inv, $"{value} is out of range for the {s.Chip}; allowed: {setting.Min}..{setting.Max}")));
            }
        }

        if (s.Chip == "ina219" && s.Settings.TryGetValue("shunt_ohms", out var ohms) && s.Settings.TryGetValue("max_current_a", out var amps)
            && ohms * amps > ProfileVocabulary.Ina219ShuntFullScaleVolts)
        {
            errors.Add(new(file, $"{at}.settings.max_current_a", string.Create(Inv,
                $"{amps} A through {ohms} ohm drops {ohms * amps * 1000:0.#} mV, beyond the INA219's 320 mV shunt full scale; allowed: max_current_a <= {ProfileVocabulary.Ina219ShuntFullScaleVolts / ohms:0.###} A for this shunt")));
        }
    }

    private static void CheckPipelines(ProductProfile product, string file, List<ProfileError> errors)
    {
        for (var i = 0; i < product.Pipelines.Count; i++)
        {
            var p = product.Pipelines[i];
            var reads = ProfileVocabulary.Models[p.Model];
            var candidates = product.Sensors.Where(s => s.Kind == reads).Select(s => s.Id).ToList();
            var allowed = candidates.Count == 0 ? $"none: the product has no {reads} sensor" : string.Join(", ", candidates);
            var source = product.Sensor(p.Source);
            if (source is null)
            {
                errors.Add(new(file, $"pipelines[{i}].source", $"'{p.Source}' is not a sensor of this product; model {p.Model} reads a {reads}; allowed: {allowed}"));
            }
            else if (source.Kind != reads)
            {
                errors.Add(new(file, $"pipelines[{i}].source", $"'{p.Source}' is a sensor of kind {source.Kind}; model {p.Model} reads a {reads}; allowed: {allowed}"));
            }
        }
    }

    private static void CheckModes(ProductProfile product, string file, List<ProfileError> errors)
    {
        var modes = product.Modes;
        var names = new Dictionary<string, string>(StringComparer.Ordinal) { [modes.Default.Name] = "modes.default" };
        for (var i = 0; i < modes.States.Count; i++)
        {
            var state = modes.States[i];
            var at = $"modes.states[{i}]";
            if (!names.TryAdd(state.Name, at))
            {
                errors.Add(new(file, $"{at}.name", $"'{state.Name}' is already the name of {names[state.Name]}; mode names are unique (names in use: {string.Join(", ", names.Keys)})"));
            }

            if (state.All.Count == 0 && state.Any.Count == 0)
            {
                errors.Add(new(file, at, $"has no conditions; give at least one in all or any"));
            }

            for (var c = 0; c < state.All.Count; c++)
            {
                CheckCondition(product, state.All[c], file, $"{at}.all[{c}]", errors);
            }

            for (var c = 0; c < state.Any.Count; c++)
            {
                CheckCondition(product, state.Any[c], file, $"{at}.any[{c}]", errors);
            }
        }
    }

    private static void CheckCondition(ProductProfile product, ModeCondition condition, string file, string at, List<ProfileError> errors)
    {
        var sensor = CheckSignal(product, condition.Signal, file, $"{at}.signal", errors);
        if (condition.Stat != "latest" && condition.WindowS <= 0)
        {
            errors.Add(new(file, $"{at}.window_s", $"is 0 but stat '{condition.Stat}' needs a window; allowed: window_s > 0 (or stat latest)"));
        }

        var freshness = 2 * product.Modes.EvaluateMs;
        if (sensor is not null && condition.WindowS == 0 && sensor.PeriodMs > freshness)
        {
            errors.Add(new(file, $"{at}.window_s", string.Create(Inv,
                $"is 0, so the condition needs a sample no older than 2 x evaluate_ms = {freshness} ms, but {sensor.Id} is sampled every {sensor.PeriodMs} ms; allowed: window_s >= {sensor.PeriodMs / 1000.0} or period_ms <= {freshness}")));
        }
    }

    /// <summary>Checks a <c>{sensor}.{quantity}</c> reference; returns the sensor when the reference is good.</summary>
    private static ProductSensor? CheckSignal(ProductProfile product, string signal, string file, string at, List<ProfileError> errors)
    {
        var dot = signal.IndexOf('.', StringComparison.Ordinal);
        var (id, quantity) = (signal[..dot], signal[(dot + 1)..]);
        var sensor = product.Sensor(id);
        if (sensor is null)
        {
            errors.Add(new(file, at, $"'{signal}' names no sensor of this product; allowed sensors: {string.Join(", ", product.Sensors.Select(s => s.Id))}"));
            return null;
        }

        var kind = ProfileVocabulary.Kind(sensor.Kind)!;
        if (!kind.Quantities.Contains(quantity, StringComparer.Ordinal))
        {
            errors.Add(new(file, at, $"'{signal}': a sensor of kind {kind.Name} does not produce '{quantity}'; allowed: {string.Join(", ", kind.Quantities.Select(q => $"{id}.{q}"))}"));
            return null;
        }

        return sensor;
    }

    private static void CheckFaults(ProductProfile product, string file, List<ProfileError> errors)
    {
        var codes = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < product.Faults.Count; i++)
        {
            var f = product.Faults[i];
            var at = $"faults[{i}]";
            if (ProfileVocabulary.BuiltInFaults.Contains(f.Code, StringComparer.Ordinal))
            {
                errors.Add(new(file, $"{at}.code", $"'{f.Code}' is a fault the agent raises itself ({string.Join(", ", ProfileVocabulary.BuiltInFaults)}); give a threshold fault its own code"));
            }
            else if (!codes.TryAdd(f.Code, i))
            {
                errors.Add(new(file, $"{at}.code", $"'{f.Code}' is already the code of faults[{codes[f.Code]}]; fault codes are unique (codes in use: {string.Join(", ", codes.Keys)})"));
            }

            CheckSignal(product, f.Signal, file, $"{at}.signal", errors);
            CheckThresholds(f, file, at, errors);
        }
    }

    private static void CheckThresholds(FaultRule f, string file, string at, List<ProfileError> errors)
    {
        const string Either = "give exactly one of raise_above (with clear_below) or raise_below (with clear_above)";
        switch (f)
        {
            case { RaiseAbove: not null, RaiseBelow: not null }:
                errors.Add(new(file, $"{at}.raise_below", $"is given with raise_above; {Either}"));
                break;
            case { RaiseAbove: null, RaiseBelow: null }:
                errors.Add(new(file, $"{at}.raise_above", $"is missing, and so is raise_below; {Either}"));
                break;
            case { RaiseAbove: { } above }:
                if (f.ClearAbove is not null)
                {
                    errors.Add(new(file, $"{at}.clear_above", $"goes with raise_below, not raise_above; allowed with raise_above: clear_below"));
                }

                if (f.ClearBelow is not { } clearBelow)
                {
                    errors.Add(new(file, $"{at}.clear_below", string.Create(Inv, $"is missing; a fault raised above {above} needs clear_below < {above}")));
                }
                else if (clearBelow >= above)
                {
                    errors.Add(new(file, $"{at}.clear_below", string.Create(Inv, $"{clearBelow} must be below raise_above {above} (hysteresis); allowed: < {above}")));
                }

                break;
            case { RaiseBelow: { } below }:
                if (f.ClearBelow is not null)
                {
                    errors.Add(new(file, $"{at}.clear_below", $"goes with raise_above, not raise_below; allowed with raise_below: clear_above"));
                }

                if (f.ClearAbove is not { } clearAbove)
                {
                    errors.Add(new(file, $"{at}.clear_above", string.Create(Inv, $"is missing; a fault raised below {below} needs clear_above > {below}")));
                }
                else if (clearAbove <= below)
                {
                    errors.Add(new(file, $"{at}.clear_above", string.Create(Inv, $"{clearAbove} must be above raise_below {below} (hysteresis); allowed: > {below}")));
                }

                break;
        }
    }

    /// <summary>The cross-references between a product and the board it is to run on.</summary>
    public static void CheckFit(ProductProfile product, BoardProfile board, List<ProfileError> errors)
    {
        var file = product.SourceFile;
        var boardName = $"board {board.Id} ({board.SourceFile})";
        if (!board.Simulated && !product.Boards.Contains(board.Id, StringComparer.Ordinal))
        {
            errors.Add(new(file, "boards", $"does not list {board.Id}; this product is built on: {string.Join(", ", product.Boards)} (and the simulated board)"));
        }

        if (product.Companion is not null && board.Companion is null)
        {
            errors.Add(new(file, "companion", $"says the product carries a companion, but {boardName} has no companion port; allowed: a board with \"companion\": {{ \"port\": \"/dev/ttyAMA1\", \"baud\": 115200 }} (add the UART the companion is wired to in {board.SourceFile})"));
        }

        for (var i = 0; i < product.Sensors.Count; i++)
        {
            var s = product.Sensors[i];
            var at = $"sensors[{i}]";
            Need("bus", s.Bus, board.I2c, "an I2C bus");
            Need("uart", s.Uart, board.Uart, "a UART");
            Need("camera", s.Camera, board.Cameras, "a camera");
            Need("audio", s.Audio, board.Audio, "an audio device");

            void Need(string field, string? id, IReadOnlyDictionary<string, string> map, string what)
            {
                if (id is not null && !map.ContainsKey(id))
                {
                    var allowed = map.Count == 0 ? "none: the board has none" : string.Join(", ", map.Keys);
                    errors.Add(new(file, $"{at}.{field}", $"'{id}' is not {what} of {boardName}; allowed: {allowed}"));
                }
            }
        }

        if (!board.Simulated && board.GpioLines is { } lines && product.Controls is { } controls)
        {
            Pin("controls.status_led.pin", controls.StatusLed?.Pin);
            Pin("controls.button.pin", controls.Button?.Pin);

            void Pin(string field, int? pin)
            {
                if (pin is { } p && !lines.ContainsKey(p.ToString(Inv)))
                {
                    errors.Add(new(file, field, string.Create(Inv, $"{p} is not a pin of {boardName}; allowed: {string.Join(", ", lines.Keys)}")));
                }
            }
        }
    }

    [GeneratedRegex("^0x[0-9a-fA-F]{1,2}$")]
    private static partial Regex AddressRegex();

    [GeneratedRegex("^sim:[a-z0-9_.-]+$")]
    private static partial Regex SimRegex();

    [GeneratedRegex("^/dev/gpiochip[0-9]+$")]
    private static partial Regex GpioChipRegex();

    [GeneratedRegex("^/dev/i2c-[0-9]+$")]
    private static partial Regex I2cRegex();

    [GeneratedRegex("^/dev/spidev[0-9]+\\.[0-9]+$")]
    private static partial Regex SpiRegex();

    [GeneratedRegex("^/dev/(tty[A-Za-z]+[0-9]*|serial[0-9]+)$")]
    private static partial Regex UartRegex();

    [GeneratedRegex("^/dev/(video[0-9]+|v4l/by-(id|path)/\\S+)$")]
    private static partial Regex CameraRegex();

    [GeneratedRegex("^[A-Za-z0-9_:,=.-]{1,64}$")]
    private static partial Regex AlsaRegex();
}
