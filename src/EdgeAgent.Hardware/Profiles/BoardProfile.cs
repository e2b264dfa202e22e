using System.Text.Json.Serialization;

namespace EdgeAgent.Hardware.Profiles;

/// <summary>
/// A board profile (<c>hardware/boards/{id}.json</c>): where the board's buses, serial ports, cameras and audio devices
/// are, which GPIO chip drives the header, and which CPU cores run inference. Products name the ids of these maps
/// (<c>i2c1</c>, <c>uart0</c>, <c>cam0</c>, <c>mic0</c>); each board maps them to its own device nodes.
/// </summary>
/// <remarks>Read-only by intent; <see cref="Notes"/> has a setter for the reason given on <see cref="ProductProfile"/>.</remarks>
public sealed record BoardProfile
{
    /// <summary>The schema an editor validates the file with; ignored by the loader.</summary>
    [JsonPropertyName("$schema")]
    public string? Schema { get; init; }

    /// <summary>The board id, equal to the file name without <c>.json</c>.</summary>
    public required string Id { get; init; }

    public required string Name { get; init; }

    public required string Soc { get; init; }

    /// <summary><c>arm64</c> or <c>x64</c>.</summary>
    public required string Arch { get; init; }

    /// <summary>The GPIO character device of the header's lines (e.g. <c>/dev/gpiochip0</c>).</summary>
    public required string GpioChip { get; init; }

    /// <summary>
    /// Where a product's <c>pin</c> number lives when it is not line <c>pin</c> of <see cref="GpioChip"/>: key = the pin
    /// number products use (the Raspberry Pi header's BCM GPIO number), value = chip and line. When present, only the
    /// pins listed here can be used.
    /// </summary>
    public IReadOnlyDictionary<string, GpioLine>? GpioLines { get; init; }

    /// <summary>I2C bus id -> device node (e.g. <c>"i2c1": "/dev/i2c-1"</c>).</summary>
    public required IReadOnlyDictionary<string, string> I2c { get; init; }

    /// <summary>SPI id -> spidev node.</summary>
    public required IReadOnlyDictionary<string, string> Spi { get; init; }

    /// <summary>UART id -> tty node (e.g. <c>"uart0": "/dev/ttyAMA0"</c>).</summary>
    public required IReadOnlyDictionary<string, string> Uart { get; init; }

    /// <summary>Camera id -> V4L2 node.</summary>
    public required IReadOnlyDictionary<string, string> Cameras { get; init; }

    /// <summary>Audio id -> ALSA device name.</summary>
    public required IReadOnlyDictionary<string, string> Audio { get; init; }

    /// <summary>
    /// The UART the companion microcontroller is wired to (firmware/PROTOCOL.md), or null when the board has none wired.
    /// A product that carries a companion (<see cref="ProductProfile.Companion"/>) needs it.
    /// </summary>
    public CompanionPortProfile? Companion { get; init; }

    /// <summary>CPU indices inference threads are pinned to.</summary>
    public required IReadOnlyList<int> InferenceCores { get; init; }

    /// <summary>True only for the simulated board, whose paths are symbolic (<c>sim:...</c>): the agent builds simulated buses for them.</summary>
    public bool Simulated { get; init; }

    /// <summary>Sources and caveats.</summary>
    public IReadOnlyList<string> Notes { get; set; } = [];

    /// <summary>The file the profile was loaded from (not part of the JSON).</summary>
    [JsonIgnore]
    public string SourceFile { get; init; } = "";

    /// <summary>Chip and line of a product's pin number on this board, or null when the board has no such pin.</summary>
    public GpioLine? Line(int pin)
    {
        if (GpioLines is null)
        {
            return pin >= 0 ? new GpioLine { Chip = GpioChip, Line = pin } : null;
        }

        return GpioLines.TryGetValue(pin.ToString(System.Globalization.CultureInfo.InvariantCulture), out var line) ? line : null;
    }
}

/// <summary>A GPIO line: its character device and its offset on it.</summary>
public sealed record GpioLine
{
    public required string Chip { get; init; }

    public required int Line { get; init; }

    /// <summary>Where the line is on the board (header pin, SoC pin name), for people.</summary>
    public string? Note { get; init; }
}

/// <summary>Where the companion microcontroller's link is: its tty node (<c>sim:companion</c> on the simulated board) and baud rate.</summary>
public sealed record CompanionPortProfile
{
    /// <summary>The tty node, e.g. <c>/dev/ttyAMA1</c>; on the simulated board <c>sim:{name}</c>, the simulated companion.</summary>
    public required string Port { get; init; }

    /// <summary>One of <see cref="ProfileVocabulary.BaudRates"/>; default 115200, the rate the firmware ships with (PROTOCOL.md).</summary>
    public int Baud { get; set; } = EdgeAgent.Hardware.Companion.CompanionPort.BaudRate;
}
