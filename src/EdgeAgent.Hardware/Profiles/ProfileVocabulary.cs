namespace EdgeAgent.Hardware.Profiles;

/// <summary>
/// The words a profile may use: sensor kinds and their chips, the quantities each kind produces (the signals of the
/// shared contract), and the enumerations of the <c>modes</c>, <c>faults</c> and <c>controls</c> sections. The JSON
/// schemas in <c>hardware/schema/</c> list the same sets (a test compares them).
/// </summary>
public static class ProfileVocabulary
{
    /// <summary>Board CPU architectures.</summary>
    public static readonly IReadOnlyList<string> Archs = ["arm64", "x64"];

    /// <summary>Sensor kinds and, for each, its chips, in the order the contract lists them.</summary>
    public static readonly IReadOnlyList<SensorKindInfo> Kinds =
    [
        new("imu", SensorBus.I2c, ["mpu6050", "mpu9250", CompanionChip], ["motion_g", "rotation_dps", "temperature_c"]),
        new("environment", SensorBus.I2c, ["bme280"], ["temperature_c", "pressure_hpa", "humidity_pct"]),
        new("power", SensorBus.I2c, ["ina219"], ["voltage_v", "current_a", "power_w"]),
        new("battery", SensorBus.I2c, ["max17048", CompanionChip], ["battery_pct", "battery_v", "charge_rate_pct_h"]),
        new("adc", SensorBus.I2c, ["ads1115"], ["ch0_v", "ch1_v", "ch2_v", "ch3_v"]),
        new("pwm", SensorBus.I2c, ["pca9685"], ["activity", "active_channels"]),
        new("distance", SensorBus.I2c, ["vl53l0x"], ["distance_m"]),
        new("gnss", SensorBus.Uart, ["nmea"], ["speed_mps", "altitude_m", "altitude_rel_m", "fix", "satellites"]),
        new("camera", SensorBus.Camera, ["v4l2"], ["active"]),
        new("microphone", SensorBus.Audio, ["alsa"], ["active"]),
    ];

    /// <summary>
    /// The chip of a sensor read through the companion microcontroller's link (its always-on IMU, its battery gauge)
    /// rather than on a bus of the board: no bus, address or UART of its own; the product's <c>companion</c> section and
    /// the board's <c>companion</c> port say where it is. It gives no IMU temperature and no battery charge rate.
    /// </summary>
    public const string CompanionChip = "companion";

    /// <summary>Every chip of every kind, each once.</summary>
    public static readonly IReadOnlyList<string> Chips = [.. Kinds.SelectMany(k => k.Chips).Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// The 7-bit I2C addresses each chip can be strapped to (datasheets: MPU-6050 PS-MPU-6000A-00 §9.2 and MPU-9250
    /// PS-MPU-9250A-01 §7 AD0 pin, 0x68/0x69; BME280 BST-BME280-DS002 §6.2 SDO pin, 0x76/0x77; INA219 SBOS448 Table 1
    /// A0/A1, 0x40..0x4F; MAX17048 datasheet "fixed slave address 0x6C" (8-bit write) = 0x36; ADS1115 SBAS444 Table 4
    /// ADDR pin, 0x48..0x4B; PCA9685 datasheet §7.1 A0..A5 give 0x40..0x7F, minus the 0x70 All Call and the reserved
    /// 0x78..0x7F; VL53L0X UM2039 "0x52" (8-bit) = 0x29 by default, reprogrammable in software to any address).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<int>> ChipAddresses = new Dictionary<string, IReadOnlyList<int>>(StringComparer.Ordinal)
    {
        ["mpu6050"] = [0x68, 0x69],
        ["mpu9250"] = [0x68, 0x69],
        ["bme280"] = [0x76, 0x77],
        ["ina219"] = [.. Enumerable.Range(0x40, 16)],
        ["max17048"] = [0x36],
        ["ads1115"] = [0x48, 0x49, 0x4A, 0x4B],
        ["pca9685"] = [.. Enumerable.Range(0x40, 0x38).Where(a => a != 0x70)],
        ["vl53l0x"] = [.. Enumerable.Range(MinAddress, MaxAddress - MinAddress + 1)],
    };

    /// <summary>The lowest 7-bit address not reserved by the I2C specification (UM10204 Table 3: 0x00..0x07 are reserved).</summary>
    public const int MinAddress = 0x08;

    /// <summary>The highest 7-bit address not reserved by the I2C specification (UM10204 Table 3: 0x78..0x7F are reserved).</summary>
    public const int MaxAddress = 0x77;

    /// <summary>The chip settings a sensor entry may give, per chip; a chip not listed takes none.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<ChipSetting>> ChipSettings = new Dictionary<string, IReadOnlyList<ChipSetting>>(StringComparer.Ordinal)
    {
        // MPU-6000/6050 register map RM-MPU-6000A-00 §4.4-4.5 (GYRO_CONFIG FS_SEL, ACCEL_CONFIG AFS_SEL); same on the MPU-9250.
        ["mpu6050"] = [ChipSetting.OneOf("accel_range_g", 2, 4, 8, 16), ChipSetting.OneOf("gyro_range_dps", 250, 500, 1000, 2000)],
        ["mpu9250"] = [ChipSetting.OneOf("accel_range_g", 2, 4, 8, 16), ChipSetting.OneOf("gyro_range_dps", 250, 500, 1000, 2000)],
        // INA219 SBOS448, Configuration Register PG bits: the shunt voltage full scale is ±320 mV at PGA /8; shunt_ohms x max_current_a must fit it.
        ["ina219"] = [ChipSetting.Range("shunt_ohms", 0.0001, 10), ChipSetting.Range("max_current_a", 0.001, 400)],
        // ADS1115 SBAS444 Table 3: the PGA's full-scale ranges.
        ["ads1115"] = [ChipSetting.OneOf("full_scale_v", 6.144, 4.096, 2.048, 1.024, 0.512, 0.256)],
        // PCA9685 datasheet §7.3.5: PRE_SCALE 3..255 at the 25 MHz oscillator gives 1526 Hz down to 24 Hz.
        ["pca9685"] = [ChipSetting.Range("frequency_hz", 24, 1526)],
        ["v4l2"] = [ChipSetting.Range("width", 16, 7680), ChipSetting.Range("height", 16, 4320), ChipSetting.Range("fps", 1, 240)],
        ["alsa"] = [ChipSetting.OneOf("sample_rate_hz", 8000, 16000, 22050, 32000, 44100, 48000), ChipSetting.Range("channels", 1, 8)],
    };

    /// <summary>The INA219's widest shunt voltage full scale in volts (SBOS448, Configuration Register PG = /8: ±320 mV).</summary>
    public const double Ina219ShuntFullScaleVolts = 0.32;

    /// <summary>UART baud rates a GNSS sensor or the companion port may use.</summary>
    public static readonly IReadOnlyList<int> BaudRates = [4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600];

    /// <summary>Pipeline models (the catalog's model families) and the sensor kind each reads.</summary>
    public static readonly IReadOnlyDictionary<string, string> Models = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["silero-vad"] = "microphone",
        ["blazeface"] = "camera",
        ["ppocr"] = "camera",
    };

    /// <summary>Model names in catalog order.</summary>
    public static readonly IReadOnlyList<string> ModelNames = ["silero-vad", "blazeface", "ppocr"];

    /// <summary>Mode classes: the four seconds-per-mode of <c>usage.summary</c>.</summary>
    public static readonly IReadOnlyList<string> Classes = ["operate", "idle", "charge", "fault"];

    /// <summary>Comparison operators of a condition.</summary>
    public static readonly IReadOnlyList<string> Ops = [">", ">=", "<", "<="];

    /// <summary>Window statistics of a condition (<c>latest</c> is the default).</summary>
    public static readonly IReadOnlyList<string> Stats = ["latest", "mean", "min", "max", "stddev", "range"];

    /// <summary>Fault severities.</summary>
    public static readonly IReadOnlyList<string> Severities = ["info", "warning", "error", "critical"];

    /// <summary>Fault subsystems.</summary>
    public static readonly IReadOnlyList<string> Subsystems = ["sensor", "power", "thermal", "storage", "inference", "network", "actuator", "system"];

    /// <summary>What a long button press does.</summary>
    public static readonly IReadOnlyList<string> Actions = ["consent", "commission", "none"];

    /// <summary>Fault codes the agent raises itself; a profile's threshold faults must not reuse them.</summary>
    public static readonly IReadOnlyList<string> BuiltInFaults = ["sensor.missing", "sensor.identity", "sensor.bus_error"];

    /// <summary>The kind entry of <paramref name="kind"/>, or null when it is not a kind.</summary>
    public static SensorKindInfo? Kind(string kind) => Kinds.FirstOrDefault(k => k.Name == kind);
}

/// <summary>What a sensor kind is wired to.</summary>
public enum SensorBus
{
    I2c,
    Uart,
    Camera,
    Audio,
}

/// <summary>One sensor kind: its bus, its chips and the quantities it produces (signal <c>{sensor id}.{quantity}</c>).</summary>
public sealed record SensorKindInfo(string Name, SensorBus Bus, IReadOnlyList<string> Chips, IReadOnlyList<string> Quantities);

/// <summary>A numeric chip setting: either one of a few values or a range.</summary>
public sealed record ChipSetting(string Name, IReadOnlyList<double>? Values, double Min, double Max)
{
    public static ChipSetting OneOf(string name, params double[] values) => new(name, values, values.Min(), values.Max());

    public static ChipSetting Range(string name, double min, double max) => new(name, null, min, max);

    public bool Allows(double value) => Values is null ? value >= Min && value <= Max : Values.Contains(value);
}
