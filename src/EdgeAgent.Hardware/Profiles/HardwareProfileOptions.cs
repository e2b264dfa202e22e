using System.ComponentModel.DataAnnotations;

namespace EdgeAgent.Hardware.Profiles;

/// <summary>
/// Which board and product the agent runs as; bound from the <c>Hardware</c> section
/// (<c>--set Hardware:Board=raspberry-pi-5 --set Hardware:Product=drone</c>). The ids are looked up with
/// <see cref="ProfileCatalog"/>: an id that is not there stops the start with the list of ids there are.
/// </summary>
public sealed class HardwareProfileOptions
{
    public const string Section = "Hardware";

    /// <summary>A board id (a file of <c>boards/</c>). Default <c>simulated</c>.</summary>
    [RegularExpression(ProfileShapes.ProfileIdPattern, ErrorMessage = "Hardware:Board must be a board id such as raspberry-pi-5 (lower-case letters, digits, '-')")]
    public string Board { get; set; } = "simulated";

    /// <summary>A product id (a file of <c>products/</c>), or unset for none.</summary>
    [RegularExpression(ProfileShapes.ProfileIdPattern, ErrorMessage = "Hardware:Product must be a product id such as smart-glasses (lower-case letters, digits, '-')")]
    public string? Product { get; set; }

    /// <summary>The folder holding <c>boards/</c> and <c>products/</c>; default: see <see cref="ProfileCatalog.Locate"/>.</summary>
    public string? Profiles { get; set; }

    /// <summary>
    /// A recorded trace (<c>hardware/TRACES.md</c>) to replay instead of opening the sensors, camera and microphone:
    /// a field trial reproduced on a desk. Unset: the board's buses (or the simulated twins on <c>simulated</c>).
    /// </summary>
    public string? Replay { get; set; }

    /// <summary>On the simulated board, sensor ids left off the simulated buses, as if unplugged (e.g. to see doctor fail).</summary>
    public List<string> Absent { get; set; } = [];

    /// <summary>The catalog these options point at.</summary>
    public ProfileCatalog Catalog() => ProfileCatalog.Locate(Profiles);
}
