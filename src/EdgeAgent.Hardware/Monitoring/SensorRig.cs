using System.Device.I2c;
using System.Globalization;
using System.IO.Ports;
using EdgeAgent.Core.Faults;
using EdgeAgent.Hardware.Companion;
using EdgeAgent.Hardware.Gnss;
using EdgeAgent.Hardware.Profiles;
using EdgeAgent.Hardware.Replay;
using EdgeAgent.Hardware.Sensors;
using EdgeAgent.Hardware.Signals;
using EdgeAgent.Hardware.Simulation;

namespace EdgeAgent.Hardware.Monitoring;

/// <summary>A sensor of the profile that could not be opened, and why.</summary>
public sealed record SensorOpenError(ProductSensor Sensor, SensorOpenFailure Failure, string Reason);

/// <summary>How the rig opens the product's sensors.</summary>
public sealed record RigOptions
{
    /// <summary>A recorded trace (<c>hardware/TRACES.md</c>): every sensor is replayed from it instead of opened on a bus.</summary>
    public string? Replay { get; init; }

    /// <summary>On the simulated board: sensor ids left off the simulated buses (as if unplugged), e.g. to see doctor fail.</summary>
    public IReadOnlySet<string> Absent { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>The open companion link (<see cref="CompanionConnection"/>), whose IMU and battery the chip <c>companion</c> sensors read; null when none is open.</summary>
    public CompanionLink? Companion { get; init; }
}

/// <summary>
/// The product's sensors opened on the board: real buses (<c>/dev/i2c-N</c>, a UART) on a real board, register-map twins
/// on the <c>simulated</c> board, or a recorded trace. Every sensor kind but camera and microphone (those are the
/// pipelines' sources) becomes a <see cref="SensorChannel"/>; one that cannot be opened is listed in
/// <see cref="Failures"/> with the reason (nothing answers, another chip answers, the UART cannot be opened), and the rest
/// run without it. This is the only place that creates buses.
/// </summary>
public sealed class SensorRig : IDisposable
{
    private readonly List<IDisposable> _owned = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _simulations = [];
    private int _disposed;

    private SensorRig(ProductProfile product, BoardProfile board)
    {
        Product = product;
        Board = board;
    }

    public ProductProfile Product { get; }

    public BoardProfile Board { get; }

    public IReadOnlyList<SensorChannel> Channels { get; private set; } = [];

    public IReadOnlyList<SensorOpenError> Failures { get; private set; } = [];

    /// <summary>The simulated buses by bus id (the simulated board only), so a test or doctor can unplug a chip.</summary>
    public IReadOnlyDictionary<string, SimulatedI2cBus> SimulatedBuses { get; private set; } = new Dictionary<string, SimulatedI2cBus>();

    /// <summary>The camera and microphone sensors: the pipelines' sources.</summary>
    public IEnumerable<ProductSensor> MediaSensors => Product.Sensors.Where(s => s.Kind is "camera" or "microphone");

    public static SensorRig Open(ProductProfile product, BoardProfile board, RigOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(product);
        ArgumentNullException.ThrowIfNull(board);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        var rig = new SensorRig(product, board);
        var channels = new List<SensorChannel>();
        var failures = new List<SensorOpenError>();
        var buses = new Dictionary<string, SimulatedI2cBus>(StringComparer.Ordinal);
        foreach (var sensor in product.Sensors.Where(s => s.Kind is not ("camera" or "microphone")))
        {
            try
            {
                channels.Add(options.Replay is { } trace ? Replayed(sensor, trace, time) : rig.Opened(sensor, options, buses, time));
            }
            catch (SensorIdentityException e)
            {
                failures.Add(new SensorOpenError(sensor, SensorOpenFailure.WrongIdentity, e.Message));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failures.Add(new SensorOpenError(sensor, SensorOpenFailure.Missing, e.Message));
            }
            catch
            {
                // Not a sensor that failed but a rig that cannot run (a bad trace line, an unknown chip): close what
                // was opened (trace files, buses, the simulated receiver's loop) before the caller sees the error.
                rig.Channels = channels;
                rig.Dispose();
                throw;
            }
        }

        rig.Channels = channels;
        rig.Failures = failures;
        rig.SimulatedBuses = buses;
        return rig;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stop.Cancel();
        foreach (var channel in Channels)
        {
            channel.Dispose();
        }

        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        try
        {
            Task.WaitAll([.. _simulations], TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // A simulation stopped by cancellation: nothing to report.
        }

        _stop.Dispose();
    }

    private static TimeSpan Period(ProductSensor sensor) => TimeSpan.FromMilliseconds(sensor.PeriodMs);

    /// <summary>The sensor played back from the trace, behind the same port (and so the same projection) as its binding.</summary>
    private static SensorChannel Replayed(ProductSensor sensor, string trace, TimeProvider time) => Channel(sensor, sensor.Kind switch
    {
        "imu" => ReplaySensors.Motion(trace, sensor.Id, time),
        "environment" => ReplaySensors.Environment(trace, sensor.Id, time),
        "power" => ReplaySensors.Power(trace, sensor.Id, time),
        "battery" => ReplaySensors.Battery(trace, sensor.Id, time),
        "adc" => ReplaySensors.Adc(trace, sensor.Id, time),
        "pwm" => ReplaySensors.Pwm(trace, sensor.Id, time),
        "distance" => ReplaySensors.Distance(trace, sensor.Id, time),
        "gnss" => ReplaySensors.Gnss(trace, sensor.Id, time),
        _ => throw new ArgumentException($"sensor '{sensor.Id}': kind '{sensor.Kind}' has no replay", nameof(sensor)),
    }, time);

    /// <summary>A sensor (an I2C binding, the GNSS receiver, a replay) as a channel of its reading type and its kind's projection.</summary>
    public static SensorChannel Channel(ProductSensor sensor, IDisposable binding, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(sensor);
        return binding switch
        {
            ISensor<MotionReading> s => new SensorChannel<MotionReading>(s, sensor.Kind, Period(sensor), SignalProjections.Motion),
            ISensor<EnvironmentReading> s => new SensorChannel<EnvironmentReading>(s, sensor.Kind, Period(sensor), SignalProjections.Environment),
            ISensor<PowerReading> s => new SensorChannel<PowerReading>(s, sensor.Kind, Period(sensor), SignalProjections.Power),
            ISensor<BatteryReading> s => new SensorChannel<BatteryReading>(s, sensor.Kind, Period(sensor), SignalProjections.Battery),
            ISensor<AdcReading> s => new SensorChannel<AdcReading>(s, sensor.Kind, Period(sensor), SignalProjections.Adc),
            ISensor<PwmReading> s => new SensorChannel<PwmReading>(s, sensor.Kind, Period(sensor), SignalProjections.Pwm(time)),
            ISensor<DistanceReading> s => new SensorChannel<DistanceReading>(s, sensor.Kind, Period(sensor), SignalProjections.Distance),
            ISensor<GnssReading> s => new SensorChannel<GnssReading>(s, sensor.Kind, Period(sensor), SignalProjections.Gnss()),
            _ => throw new ArgumentException($"sensor '{sensor.Id}': the binding of chip '{sensor.Chip}' is no sensor the monitor knows", nameof(binding)),
        };
    }

    private SensorChannel Opened(ProductSensor sensor, RigOptions options, Dictionary<string, SimulatedI2cBus> buses, TimeProvider time)
    {
        if (sensor.Kind == "gnss")
        {
            return Channel(sensor, OpenGnss(sensor, time), time);
        }

        if (sensor.Chip == ProfileVocabulary.CompanionChip)
        {
            return Channel(sensor, CompanionSource(sensor, options), time);
        }

        var address = sensor.I2cAddress ?? I2cChips.DefaultAddress(sensor.Chip);
        I2cDevice device;
        if (Board.Simulated)
        {
            if (!buses.TryGetValue(sensor.Bus!, out var bus))
            {
                buses[sensor.Bus!] = bus = new SimulatedI2cBus(buses.Count + 1);
                _owned.Add(bus);
            }

            if (!options.Absent.Contains(sensor.Id))
            {
                var chip = SimulatedChips.Create(sensor.Chip, address, bus.BusId);
                if (chip is Simulation.Chips.SimulatedIna219 ina && ProfileTranslation.ChipSettings(sensor).Shunt is { } shunt)
                {
                    ina.Shunt = shunt; // the twin carries the shunt the profile says is fitted, so its current reads true
                }

                bus.Attach(chip);
            }

            device = bus.CreateDevice(address);
        }
        else
        {
            device = I2cDevice.Create(new I2cConnectionSettings(BusNumber(sensor), address));
        }

        return Channel(sensor, I2cChips.Open(sensor.Chip, sensor.Id, device, ProfileTranslation.ChipSettings(sensor), time), time);
    }

    /// <summary>The companion link's IMU or battery, under the profile's sensor id (its readings arrive over the link; the channel samples the latest).</summary>
    private IDisposable CompanionSource(ProductSensor sensor, RigOptions options)
    {
        if (Board.Simulated && options.Absent.Contains(sensor.Id))
        {
            throw new IOException($"{sensor.Id}: left off the simulated companion (Hardware:Absent)");
        }

        var link = options.Companion ?? throw new IOException($"{sensor.Id}: the companion link is not open (see the companion row of edgeagent doctor: the board's companion port {Board.Companion?.Port ?? "(none)"})");
        return sensor.Kind == "imu" ? new Renamed<MotionReading>(sensor.Id, link.Imu) : new Renamed<BatteryReading>(sensor.Id, link.Battery);
    }

    /// <summary>A sensor under the profile's id (the link names its sources <c>companion.imu</c>); the link owns the source.</summary>
    private sealed class Renamed<T>(string name, ISensor<T> inner) : ISensor<T>
    {
        public string Name => name;

        public bool TryRead(out T reading) => inner.TryRead(out reading);

        public void Dispose()
        {
        }
    }

    private GnssReceiver OpenGnss(ProductSensor sensor, TimeProvider time)
    {
        Stream stream;
        if (Board.Simulated)
        {
            var simulated = new SimulatedGnss(time)
            {
                // A fix at the West Lake pilot site, at rest: the world the simulated board starts in.
                Latitude = UnitsNet.Angle.FromDegrees(30.2460),
                Longitude = UnitsNet.Angle.FromDegrees(120.1570),
                Altitude = UnitsNet.Length.FromMeters(8),
            };
            _owned.Add(simulated);
            _simulations.Add(simulated.RunAsync(TimeSpan.FromSeconds(1), _stop.Token));
            stream = simulated.Stream;
        }
        else
        {
            var path = Board.Uart[sensor.Uart!];
            var port = new SerialPort(path, sensor.Baud ?? 9600) { ReadTimeout = SerialPort.InfiniteTimeout };
            try
            {
                port.Open();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                port.Dispose();
                throw new IOException($"{sensor.Id}: cannot open the GNSS receiver's UART {path} at {sensor.Baud ?? 9600} baud: {e.Message} (is the UART enabled, and is the agent's user in the dialout group?)", e);
            }

            _owned.Add(port);
            stream = port.BaseStream;
        }

        var receiver = new GnssReceiver(sensor.Id, stream, time);
        return receiver;
    }

    /// <summary>The N of the board's <c>/dev/i2c-N</c> for the sensor's bus id.</summary>
    private int BusNumber(ProductSensor sensor)
    {
        var path = Board.I2c[sensor.Bus!];
        const string prefix = "/dev/i2c-";
        return path.StartsWith(prefix, StringComparison.Ordinal) && int.TryParse(path.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new IOException($"{Board.SourceFile}: i2c.{sensor.Bus} '{path}' is not an i2c-dev node (/dev/i2c-N)");
    }
}
