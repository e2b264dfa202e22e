using System.Text.Json.Nodes;
using EdgeAgent.Hardware.Profiles;

namespace EdgeAgent.Hardware.Tests.Profiles;

/// <summary>
/// Each kind of bad profile, made by changing one shipped file in a temp copy, is rejected with a message that names
/// the file, the field and the allowed values. Where a JSON schema can express the rule, the schema file rejects the
/// same change; where it cannot (uniqueness, ordering of thresholds, the fit to a board), the schema accepts it and
/// only the loader catches it: the table says which, so schema and loader are kept honest together.
/// </summary>
public sealed class BadProfileTests
{
    /// <param name="File">The shipped file changed, e.g. <c>products/drone.json</c>.</param>
    /// <param name="OnBoard">For a product that loads but must not fit a board: that board's id (checked with <see cref="ProfileLoader.Check"/>).</param>
    /// <param name="SchemaRejects">Whether the schema file rejects the change too.</param>
    private sealed record BadCase(string File, Action<JsonObject> Change, string Field, string[] Allowed, bool SchemaRejects, string? OnBoard = null);

    private const string Drone = "products/drone.json";
    private const string Glasses = "products/smart-glasses.json";
    private const string Robot = "products/service-robot.json";
    private const string Pi5 = "boards/raspberry-pi-5.json";

    private static JsonObject Sensor(JsonObject p, int i) => p["sensors"]![i]!.AsObject();

    private static JsonObject State(JsonObject p, int i) => p["modes"]!["states"]![i]!.AsObject();

    private static JsonObject Fault(JsonObject p, int i) => p["faults"]![i]!.AsObject();

    private static readonly Dictionary<string, BadCase> Cases = new()
    {
        ["unknown property (misspelt key)"] = new(Drone, p => Sensor(p, 2)["adress"] = "0x40",
            "sensors[2].adress", ["is not a property of a sensor", "allowed: id, kind, chip, bus, address, uart, baud, camera, audio, period_ms, required, settings"], true),
        ["unknown property of a board"] = new(Pi5, b => b["gpio_chips"] = "/dev/gpiochip0",
            "gpio_chips", ["is not a property of a board profile", "allowed: $schema, id, name, soc, arch, gpio_chip, gpio_lines, i2c"], true),
        ["wrong type"] = new(Drone, p => Sensor(p, 0)["period_ms"] = "100",
            "sensors[0].period_ms", ["is a string ('100'); expected an integer"], true),
        ["wrong type in a board"] = new(Pi5, b => b["inference_cores"] = "1-3",
            "inference_cores", ["is a string ('1-3'); expected an array"], true),
        ["missing required field"] = new(Drone, p => Sensor(p, 1).Remove("chip"),
            "sensors[1].chip", ["is missing", "a sensor needs id, kind, chip"], true),
        ["missing required enum field"] = new(Drone, p => Sensor(p, 0).Remove("kind"),
            "sensors[0].kind", ["is missing; allowed: imu, environment, power, battery, adc, pwm, distance, gnss, camera, microphone"], true),
        ["missing required section"] = new(Glasses, p => p.Remove("modes"),
            "modes", ["is missing", "a product profile needs id, name, boards, sensors, modes"], true),
        ["bad kind"] = new(Drone, p => Sensor(p, 0)["kind"] = "gyro",
            "sensors[0].kind", ["'gyro' is not a sensor kind; allowed: imu, environment, power, battery, adc, pwm, distance, gnss, camera, microphone"], true),
        ["chip not of its kind"] = new(Glasses, p => Sensor(p, 1)["chip"] = "bme680",
            "sensors[1].chip", ["'bme680' is not a chip of kind environment; allowed: bme280"], true),
        ["bad mode class"] = new(Drone, p => State(p, 0)["class"] = "charging",
            "modes.states[0].class", ["'charging' is not a mode class; allowed: operate, idle, charge, fault"], true),
        ["bad operator"] = new(Drone, p => State(p, 1)["all"]![0]!["op"] = "=>",
            "modes.states[1].all[0].op", ["'=>' is not an operator; allowed: >, >=, <, <="], true),
        ["bad statistic"] = new(Drone, p => State(p, 1)["all"]![0]!["stat"] = "average",
            "modes.states[1].all[0].stat", ["'average' is not a statistic; allowed: latest, mean, min, max, stddev, range"], true),
        ["bad severity"] = new(Drone, p => Fault(p, 0)["severity"] = "fatal",
            "faults[0].severity", ["'fatal' is not a severity; allowed: info, warning, error, critical"], true),
        ["bad subsystem"] = new(Drone, p => Fault(p, 0)["subsystem"] = "battery",
            "faults[0].subsystem", ["'battery' is not a subsystem; allowed: sensor, power, thermal, storage, inference, network, actuator, system"], true),
        ["bad button action"] = new(Glasses, p => p["controls"]!["button"]!["action"] = "reset",
            "controls.button.action", ["'reset' is not a button action; allowed: consent, commission, none"], true),
        ["bad pipeline model"] = new(Drone, p => p["pipelines"]![0]!["model"] = "yolo",
            "pipelines[0].model", ["'yolo' is not a pipeline model; allowed: silero-vad, blazeface, ppocr"], true),
        ["bad arch"] = new(Pi5, b => b["arch"] = "aarch64",
            "arch", ["'aarch64' is not an architecture; allowed: arm64, x64"], true),
        ["bad baud rate"] = new(Drone, p => Sensor(p, 1)["baud"] = 9601,
            "sensors[1].baud", ["9601 is not allowed; allowed: 4800, 9600, 19200"], true),
        ["malformed address"] = new(Drone, p => Sensor(p, 2)["address"] = "64",
            "sensors[2].address", ["'64' is not an I2C address", "allowed: 0x08..0x77"], true),
        ["address out of range"] = new(Drone, p => Sensor(p, 4)["address"] = "0x80",
            "sensors[4].address", ["'0x80' is outside the 7-bit addresses", "allowed: 0x08..0x77"], true),
        ["address the chip cannot have"] = new(Drone, p => Sensor(p, 2)["address"] = "0x50",
            "sensors[2].address", ["'0x50' is not an address the ina219 answers at; allowed: 0x40..0x4f"], true),
        ["duplicate sensor id"] = new(Drone, p => Sensor(p, 3)["id"] = "motor",
            "sensors[3].id", ["'motor' is already the id of sensors[2]", "ids in use: imu, gnss, motor"], false),
        ["duplicate bus address"] = new(Drone, p => Sensor(p, 4)["address"] = "0x48",
            "sensors[4].address", ["0x48 on bus i2c1 is taken by sensors[3] (pack)", "addresses in use on i2c1: 0x68, 0x40, 0x48"], false),
        ["unknown bus id"] = new(Drone, p => Sensor(p, 0)["bus"] = "i2c3",
            "sensors[0].bus", ["'i2c3' is not an I2C bus of board raspberry-pi-5", "allowed: i2c1, i2c0"], false, OnBoard: "raspberry-pi-5"),
        ["unknown uart id"] = new(Drone, p => Sensor(p, 1)["uart"] = "uart4",
            "sensors[1].uart", ["'uart4' is not a UART of board jetson-orin-nano", "allowed: uart0"], false, OnBoard: "jetson-orin-nano"),
        ["unknown camera id on the simulated board"] = new(Drone, p => Sensor(p, 5)["camera"] = "cam7",
            "sensors[5].camera", ["'cam7' is not a camera of board simulated", "allowed: cam0"], false, OnBoard: "simulated"),
        ["unknown signal"] = new(Drone, p => State(p, 1)["all"]![0]!["signal"] = "rotor.current_a",
            "modes.states[1].all[0].signal", ["'rotor.current_a' names no sensor of this product; allowed sensors: imu, gnss, motor, pack, landing, camera"], false),
        ["quantity its kind does not produce"] = new(Drone, p => Fault(p, 2)["signal"] = "imu.humidity_pct",
            "faults[2].signal", ["a sensor of kind imu does not produce 'humidity_pct'; allowed: imu.motion_g, imu.rotation_dps, imu.temperature_c"], false),
        ["malformed signal"] = new(Drone, p => Fault(p, 1)["signal"] = "motor_current",
            "faults[1].signal", ["'motor_current' is not a signal name: write {sensor id}.{quantity}"], true),
        ["fault with raise_above and raise_below"] = new(Drone, p => Fault(p, 1)["raise_below"] = 5,
            "faults[1].raise_below", ["is given with raise_above; give exactly one of raise_above (with clear_below) or raise_below (with clear_above)"], true),
        ["fault with neither raise"] = new(Drone, p => { Fault(p, 1).Remove("raise_above"); Fault(p, 1).Remove("clear_below"); },
            "faults[1].raise_above", ["is missing, and so is raise_below; give exactly one of raise_above (with clear_below) or raise_below (with clear_above)"], true),
        ["clear_below not below raise_above"] = new(Drone, p => Fault(p, 1)["clear_below"] = 50,
            "faults[1].clear_below", ["50 must be below raise_above 50 (hysteresis); allowed: < 50"], false),
        ["clear_above not above raise_below"] = new(Drone, p => Fault(p, 0)["clear_above"] = 2.5,
            "faults[0].clear_above", ["2.5 must be above raise_below 2.79 (hysteresis); allowed: > 2.79"], false),
        ["raise_above without clear_below"] = new(Drone, p => Fault(p, 1).Remove("clear_below"),
            "faults[1].clear_below", ["is missing; a fault raised above 50 needs clear_below < 50"], true),
        ["fault code the agent raises itself"] = new(Drone, p => Fault(p, 0)["code"] = "sensor.missing",
            "faults[0].code", ["'sensor.missing' is a fault the agent raises itself (sensor.missing, sensor.identity, sensor.bus_error)"], true),
        ["duplicate fault code"] = new(Drone, p => Fault(p, 1)["code"] = "battery.low",
            "faults[1].code", ["'battery.low' is already the code of faults[0]", "codes in use: battery.low"], false),
        ["mode named like the default"] = new(Drone, p => State(p, 2)["name"] = "standby",
            "modes.states[2].name", ["'standby' is already the name of modes.default", "names in use: standby, charging, flying"], false),
        ["two modes of one name"] = new(Drone, p => State(p, 2)["name"] = "flying",
            "modes.states[2].name", ["'flying' is already the name of modes.states[1]"], false),
        ["malformed mode name"] = new(Drone, p => State(p, 0)["name"] = "Charging",
            "modes.states[0].name", ["'Charging' is not a valid name: lower-case letter first"], true),
        ["mode state without conditions"] = new(Drone, p => State(p, 0).Remove("all"),
            "modes.states[0]", ["has no conditions; give at least one in all or any"], true),
        ["window statistic without a window"] = new(Drone, p => State(p, 1)["all"]![0]!.AsObject().Remove("window_s"),
            "modes.states[1].all[0].window_s", ["stat 'mean' needs a window; allowed: window_s > 0"], true),
        ["latest value of a slow sensor"] = new(Glasses, p => State(p, 2)["all"]!.AsArray().Add(JsonNode.Parse("""{ "signal": "env.temperature_c", "op": "<", "value": 40 }""")),
            "modes.states[2].all[1].window_s", ["env is sampled every 5000 ms", "allowed: window_s >= 5 or period_ms <= 2000"], false),
        ["period_ms too short"] = new(Drone, p => Sensor(p, 0)["period_ms"] = 5,
            "sensors[0].period_ms", ["5 is out of range; allowed: 10..60000"], true),
        ["period_ms too long"] = new(Drone, p => Sensor(p, 0)["period_ms"] = 120000,
            "sensors[0].period_ms", ["120000 is out of range; allowed: 10..60000"], true),
        ["connection field of another kind"] = new(Drone, p => Sensor(p, 1)["bus"] = "i2c1",
            "sensors[1].bus", ["is not used by kind gnss, a serial sensor: give uart and baud; allowed: uart, baud"], true),
        ["missing connection field"] = new(Drone, p => Sensor(p, 2).Remove("address"),
            "sensors[2].address", ["is missing; kind power is an I2C sensor: give bus and address"], true),
        ["unknown chip setting"] = new(Drone, p => Sensor(p, 2)["settings"]!["shunt_ohm"] = 0.1,
            "sensors[2].settings.shunt_ohm", ["is not a setting of the ina219; allowed: shunt_ohms, max_current_a"], true),
        ["chip setting not allowed"] = new(Drone, p => Sensor(p, 3)["settings"]!["full_scale_v"] = 5,
            "sensors[3].settings.full_scale_v", ["5 is not allowed for the ads1115; allowed: 6.144, 4.096, 2.048, 1.024, 0.512, 0.256"], true),
        ["shunt beyond the INA219 full scale"] = new(Drone, p => Sensor(p, 2)["settings"]!["shunt_ohms"] = 0.01,
            "sensors[2].settings.max_current_a", ["60 A through 0.01 ohm drops 600 mV", "allowed: max_current_a <= 32 A for this shunt"], false),
        ["pipeline source not a camera"] = new(Drone, p => p["pipelines"]![0]!["source"] = "imu",
            "pipelines[0].source", ["'imu' is a sensor of kind imu; model ppocr reads a camera; allowed: camera"], false),
        ["pipeline source not a microphone"] = new(Glasses, p => p["pipelines"]![1]!["source"] = "camera",
            "pipelines[1].source", ["'camera' is a sensor of kind camera; model silero-vad reads a microphone; allowed: mic"], false),
        ["pipeline source unknown"] = new(Robot, p => p["pipelines"]![0]!["source"] = "cam9",
            "pipelines[0].source", ["'cam9' is not a sensor of this product; model blazeface reads a camera; allowed: camera"], false),
        ["board not supported by the product"] = new(Glasses, _ => { },
            "boards", ["does not list jetson-orin-nano; this product is built on: rk3588, raspberry-pi-5"], false, OnBoard: "jetson-orin-nano"),
        ["control pin the board does not have"] = new(Robot, p => p["controls"]!["status_led"]!["pin"] = 22,
            "controls.status_led.pin", ["22 is not a pin of board rk3588", "allowed: 17, 27"], false, OnBoard: "rk3588"),
        ["LED and button on one pin"] = new(Glasses, p => p["controls"]!["button"]!["pin"] = 27,
            "controls.button.pin", ["27 is the status LED's pin too"], false),
        ["id not the file name"] = new(Drone, p => p["id"] = "drone-2",
            "id", ["'drone-2' must equal the file name; allowed: drone"], false),
        ["malformed profile id"] = new(Drone, p => p["boards"]![0] = "Jetson",
            "boards[0]", ["'Jetson' is not a valid profile id"], true),
        ["a board listed twice"] = new(Drone, p => p["boards"]!.AsArray().Add("raspberry-pi-5"),
            "boards[2]", ["'raspberry-pi-5' appears twice in boards"], true),
        ["simulated path on a real board"] = new(Pi5, b => b["i2c"]!["i2c1"] = "sim:i2c1",
            "i2c.i2c1", ["'sim:i2c1' is not a device path of this kind; allowed: /dev/i2c-1"], true),
        ["companion baud not a rate"] = new(Pi5, b => b["companion"]!["baud"] = 12345,
            "companion.baud", ["12345 is not allowed; allowed: 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600"], true),
        ["companion port not a tty"] = new(Pi5, b => b["companion"]!["port"] = "/dev/i2c-1",
            "companion.port", ["'/dev/i2c-1' is not a device path of this kind; allowed: /dev/ttyAMA1"], true),
        ["companion port missing"] = new(Pi5, b => b["companion"]!.AsObject().Remove("port"),
            "companion.port", ["is missing", "the companion port needs port"], true),
        ["real companion path on the simulated board"] = new("boards/simulated.json", b => b["companion"]!["port"] = "/dev/ttyAMA2",
            "companion.port", ["'/dev/ttyAMA2' is not a symbolic path of the simulated board; allowed: sim:{name}"], true),
        ["bad companion button action"] = new(Glasses, p => p["companion"]!["button_action"] = "reboot",
            "companion.button_action", ["'reboot' is not a button action; allowed: consent, commission, none"], true),
        ["unknown property of the companion section"] = new(Glasses, p => p["companion"]!["long_press_ms"] = 3000,
            "companion.long_press_ms", ["is not a property of the companion section", "allowed: button_action"], true),
        ["companion chip without a companion"] = new(Drone, p =>
            {
                p.Remove("companion");
                var imu = Sensor(p, 0);
                imu["chip"] = "companion";
                imu.Remove("bus");
                imu.Remove("address");
                imu.Remove("settings");
            },
            "sensors[0].chip", ["'companion' is read through the companion microcontroller, but the product has no companion section", "mpu6050, mpu9250"], false),
        ["companion chip on a bus"] = new(Glasses, p => Sensor(p, 2)["chip"] = "companion",
            "sensors[2].bus", ["is not used by chip companion", "give none of bus, address, uart, baud, camera, audio; allowed: none of them"], true),
        ["real path on the simulated board"] = new("boards/simulated.json", b => b["uart"]!["uart0"] = "/dev/ttyS0",
            "uart.uart0", ["'/dev/ttyS0' is not a symbolic path of the simulated board; allowed: sim:{name}"], true),
        ["GPIO chip that is not a chip"] = new("boards/rk3588.json", b => b["gpio_lines"]!["17"]!["chip"] = "/dev/gpio3",
            "gpio_lines.17.chip", ["'/dev/gpio3' is not a device path of this kind; allowed: /dev/gpiochip0"], true),
        ["no inference cores"] = new(Pi5, b => b["inference_cores"] = new JsonArray(),
            "inference_cores", ["has 0 entries; at least 1 required"], true),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Load_BadProfile_IsRejectedNamingFileFieldAndAllowedValues(string name)
    {
        var bad = Cases[name];
        using var workspace = new ProfileWorkspace();
        var path = workspace.Mutate(bad.File, bad.Change);

        var error = Assert.Throws<ProfileException>(() => Load(workspace, bad, path));

        var line = Assert.Single(error.Errors, e => e.Field == bad.Field);
        Assert.Equal(path, line.File);
        Assert.Contains($"{path}: {bad.Field} ", error.Message, StringComparison.Ordinal);
        foreach (var allowed in bad.Allowed)
        {
            Assert.Contains(allowed, line.Problem, StringComparison.Ordinal);
        }

        var schema = ProfileWorkspace.SchemaErrors(path);
        if (bad.SchemaRejects)
        {
            Assert.NotNull(schema);
        }
        else
        {
            Assert.True(schema is null, $"the schema rejects what the table says it cannot express: {schema}");
        }
    }

    private static void Load(ProfileWorkspace workspace, BadCase bad, string path)
    {
        if (bad.File.StartsWith("boards/", StringComparison.Ordinal))
        {
            ProfileLoader.LoadBoard(path);
            return;
        }

        var product = ProfileLoader.LoadProduct(path);
        if (bad.OnBoard is null)
        {
            Assert.Fail($"{bad.File} loaded although it was changed to be bad");
        }

        ProfileLoader.Check(product, workspace.Catalog.Board(bad.OnBoard));
    }

    [Fact]
    public void Check_ProductWithACompanionOnABoardWithoutAPort_NamesTheProductsCompanionAndWhatTheBoardNeeds()
    {
        using var workspace = new ProfileWorkspace();
        var board = workspace.Mutate(Pi5, b => b.Remove("companion"));
        var product = ProfileLoader.LoadProduct(workspace.PathOf(Glasses));

        var error = Assert.Throws<ProfileException>(() => ProfileLoader.Check(product, ProfileLoader.LoadBoard(board)));

        var line = Assert.Single(error.Errors);
        Assert.Equal((workspace.PathOf(Glasses), "companion"), (line.File, line.Field));
        Assert.Contains($"board raspberry-pi-5 ({board}) has no companion port", line.Problem, StringComparison.Ordinal);
        Assert.Contains("allowed: a board with \"companion\": { \"port\": \"/dev/ttyAMA1\", \"baud\": 115200 }", line.Problem, StringComparison.Ordinal);
        Assert.Null(ProfileWorkspace.SchemaErrors(board)); // the board alone is valid: only the fit is wrong
    }

    [Fact]
    public void LoadProduct_SeveralProblems_ReportsEveryOneOfThem()
    {
        using var workspace = new ProfileWorkspace();
        var path = workspace.Mutate(Drone, p =>
        {
            Sensor(p, 0)["kind"] = "gyro";
            Sensor(p, 2)["adress"] = "0x40";
            Fault(p, 0)["severity"] = "fatal";
        });

        var error = Assert.Throws<ProfileException>(() => ProfileLoader.LoadProduct(path));

        Assert.Equal(["sensors[0].kind", "sensors[2].adress", "faults[0].severity"], error.Errors.Select(e => e.Field));
        Assert.StartsWith("3 problems:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadProduct_MisspeltKeyAndRuleViolations_ReportsThemAll()
    {
        using var workspace = new ProfileWorkspace();
        var path = workspace.Mutate(Drone, p =>
        {
            Sensor(p, 0)["adress"] = "0x68";
            Sensor(p, 2)["chip"] = "ina226";
            Fault(p, 1)["clear_below"] = 55;
        });

        var error = Assert.Throws<ProfileException>(() => ProfileLoader.LoadProduct(path));

        // The unknown key is dropped so the rules still run: one pass shows every mistake.
        Assert.Equal(["sensors[0].adress", "sensors[2].chip", "faults[1].clear_below"], error.Errors.Select(e => e.Field));
    }

    [Fact]
    public void LoadProduct_SeveralRuleViolations_ReportsEveryOneOfThem()
    {
        using var workspace = new ProfileWorkspace();
        var path = workspace.Mutate(Drone, p =>
        {
            Sensor(p, 3)["id"] = "motor";
            Fault(p, 1)["clear_below"] = 60;
            State(p, 2)["name"] = "standby";
        });

        var error = Assert.Throws<ProfileException>(() => ProfileLoader.LoadProduct(path));

        // Renaming the pack also leaves the references to pack.ch0_v and pack.ch1_v dangling: those are reported as well.
        Assert.Equal(
            ["sensors[3].id", "modes.states[0].all[0].signal", "modes.states[2].name", "faults[0].signal", "faults[1].clear_below"],
            error.Errors.Select(e => e.Field));
    }

    [Fact]
    public void LoadProduct_NotJson_SaysWhere()
    {
        using var workspace = new ProfileWorkspace();
        var path = workspace.PathOf(Drone);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"id\": \"drone\",", "\"id\": \"drone\",,", StringComparison.Ordinal));

        var error = Assert.Throws<ProfileException>(() => ProfileLoader.LoadProduct(path));

        Assert.Contains($"{path}: (document) is not valid JSON at line 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadProduct_KeyGivenTwice_IsAnError()
    {
        using var workspace = new ProfileWorkspace();
        var path = workspace.PathOf(Drone);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"id\": \"drone\",", "\"id\": \"drone\", \"id\": \"drone\",", StringComparison.Ordinal));

        var error = Assert.Throws<ProfileException>(() => ProfileLoader.LoadProduct(path));

        Assert.Equal("id", Assert.Single(error.Errors).Field);
        Assert.Contains("appears twice in a product profile", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadBoard_MissingFile_NamesIt()
    {
        using var workspace = new ProfileWorkspace();
        var path = workspace.PathOf("boards/nope.json");

        var error = Assert.Throws<ProfileException>(() => ProfileLoader.LoadBoard(path));

        Assert.StartsWith($"{path}: (file) cannot be read", error.Message, StringComparison.Ordinal);
    }
}
