using EdgeAgent.Hardware.Monitoring;
using EdgeAgent.Hardware.Profiles;

namespace EdgeAgent.Device.Hardware;

/// <summary>
/// The board and product this agent runs as (the <c>Hardware</c> section), loaded and cross-checked once before anything
/// opens; <see cref="Enabled"/> is false when no product is configured (then the agent runs only its file pipelines, as
/// before the hardware layer).
/// </summary>
internal sealed class HardwareSetup
{
    private HardwareSetup(ProductProfile? product, BoardProfile? board, RigOptions rig)
    {
        Product = product;
        Board = board;
        Rig = rig;
    }

    public ProductProfile? Product { get; }

    public BoardProfile? Board { get; }

    public RigOptions Rig { get; }

    public bool Enabled => Product is not null;

    /// <exception cref="ProfileException">An unknown id, a bad profile (every error named), a replay trace that is not there, an absent id that is no sensor.</exception>
    public static HardwareSetup Resolve(HardwareProfileOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Product is not { } productId)
        {
            return new HardwareSetup(null, null, new RigOptions());
        }

        var (product, board) = options.Catalog().Resolve(productId, options.Board);
        var errors = new List<ProfileError>();
        if (options.Replay is { } replay && !File.Exists(replay))
        {
            errors.Add(new ProfileError($"{HardwareProfileOptions.Section}:Replay", "(setting)", $"'{replay}' is not a file; give a recorded trace (hardware/TRACES.md)"));
        }

        foreach (var absent in options.Absent.Where(id => product.Sensor(id) is null))
        {
            errors.Add(new ProfileError($"{HardwareProfileOptions.Section}:Absent", "(setting)",
                $"'{absent}' is not a sensor of {product.Id}; allowed: {string.Join(", ", product.Sensors.Select(s => s.Id))}"));
        }

        if (options.Absent.Count > 0 && !board.Simulated)
        {
            errors.Add(new ProfileError($"{HardwareProfileOptions.Section}:Absent", "(setting)", $"applies to the simulated board only, not {board.Id} (unplug the real part instead)"));
        }

        return errors.Count > 0
            ? throw new ProfileException(errors)
            : new HardwareSetup(product, board, new RigOptions
            {
                Replay = options.Replay is { } r ? Path.GetFullPath(r) : null,
                Absent = options.Absent.ToHashSet(StringComparer.Ordinal),
            });
    }
}
