using EdgeAgent.Hardware.Sensors;

namespace EdgeAgent.Hardware.Signals;

/// <summary>Turns a typed reading into named quantities (<c>motion_g</c>, <c>current_a</c>, ...); may keep state across readings.</summary>
public interface ISignalProjection<in TReading>
{
    void Project(TReading reading, long timestamp, Action<string, double> emit);
}

/// <summary>
/// The projection of each sensor kind (the quantities of the signal table in <c>hardware/README.md</c>). Stateless ones
/// are shared; <see cref="Pwm"/> and <see cref="Gnss"/> keep per-sensor state, so each channel gets its own.
/// </summary>
public static class SignalProjections
{
    private static readonly string[] ChannelNames = ["ch0_v", "ch1_v", "ch2_v", "ch3_v"];

    public static ISignalProjection<MotionReading> Motion { get; } = new Of<MotionReading>((r, emit) =>
    {
        var (x, y, z) = (r.X.StandardGravity, r.Y.StandardGravity, r.Z.StandardGravity);
        // Deviation of the acceleration's magnitude from 1 g: 0 at rest in any orientation, larger when moved.
        emit("motion_g", Math.Abs(Math.Sqrt((x * x) + (y * y) + (z * z)) - 1));
        var (gx, gy, gz) = (r.RotationX.DegreesPerSecond, r.RotationY.DegreesPerSecond, r.RotationZ.DegreesPerSecond);
        emit("rotation_dps", Math.Sqrt((gx * gx) + (gy * gy) + (gz * gz)));
        if (r.DieTemperature is { } t)
        {
            emit("temperature_c", t.DegreesCelsius);
        }
    });

    public static ISignalProjection<EnvironmentReading> Environment { get; } = new Of<EnvironmentReading>((r, emit) =>
    {
        emit("temperature_c", r.Temperature.DegreesCelsius);
        emit("pressure_hpa", r.Pressure.Hectopascals);
        if (r.Humidity is { } h)
        {
            emit("humidity_pct", h.Percent);
        }
    });

    public static ISignalProjection<PowerReading> Power { get; } = new Of<PowerReading>((r, emit) =>
    {
        emit("voltage_v", r.BusVoltage.Volts);
        emit("current_a", r.Current.Amperes);
        emit("power_w", (double)r.Power.Watts);
    });

    public static ISignalProjection<BatteryReading> Battery { get; } = new Of<BatteryReading>((r, emit) =>
    {
        emit("battery_pct", r.StateOfCharge.Percent);
        emit("battery_v", r.CellVoltage.Volts);
        if (r.ChargeRate is { } rate)
        {
            emit("charge_rate_pct_h", rate.PercentsPerSecond * 3600);
        }
    });

    public static ISignalProjection<AdcReading> Adc { get; } = new Of<AdcReading>((r, emit) =>
    {
        var channels = r.Channels ?? [];
        for (var i = 0; i < Math.Min(channels.Count, ChannelNames.Length); i++)
        {
            emit(ChannelNames[i], channels[i].Volts);
        }
    });

    public static ISignalProjection<DistanceReading> Distance { get; } = new Of<DistanceReading>((r, emit) => emit("distance_m", r.Distance.Meters));

    /// <summary>The quantities each kind produces, for validating the signals a profile's rules name.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Quantities { get; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        ["imu"] = ["motion_g", "rotation_dps", "temperature_c"],
        ["environment"] = ["temperature_c", "pressure_hpa", "humidity_pct"],
        ["power"] = ["voltage_v", "current_a", "power_w"],
        ["battery"] = ["battery_pct", "battery_v", "charge_rate_pct_h"],
        ["adc"] = ["ch0_v", "ch1_v", "ch2_v", "ch3_v"],
        ["pwm"] = ["activity", "active_channels"],
        ["distance"] = ["distance_m"],
        ["gnss"] = ["speed_mps", "altitude_m", "altitude_rel_m", "fix", "satellites"],
        ["camera"] = ["active"],
        ["microphone"] = ["active"],
    };

    /// <summary>A fresh PWM projection: <c>activity</c> is the sum over channels of |duty change| per second since the previous reading.</summary>
    public static ISignalProjection<PwmReading> Pwm(TimeProvider time) => new PwmActivity(time);

    /// <summary>A fresh GNSS projection: <c>altitude_rel_m</c> is relative to the first fix it saw (this boot's take-off point).</summary>
    public static ISignalProjection<GnssReading> Gnss() => new GnssAltitude();

    private sealed class Of<T>(Action<T, Action<string, double>> project) : ISignalProjection<T>
    {
        public void Project(T reading, long timestamp, Action<string, double> emit) => project(reading, emit);
    }

    private sealed class PwmActivity(TimeProvider time) : ISignalProjection<PwmReading>
    {
        private double[]? _previous;
        private long _previousAt;

        public void Project(PwmReading reading, long timestamp, Action<string, double> emit)
        {
            var duty = reading.DutyCycles ?? [];
            emit("active_channels", duty.Count(d => d > 0));
            if (_previous is not null && _previous.Length == duty.Count)
            {
                var seconds = time.GetElapsedTime(_previousAt, timestamp).TotalSeconds;
                if (seconds > 0)
                {
                    var change = 0.0;
                    for (var i = 0; i < _previous.Length; i++)
                    {
                        change += Math.Abs(duty[i] - _previous[i]);
                    }

                    emit("activity", change / seconds);
                }
            }

            _previous = [.. duty];
            _previousAt = timestamp;
        }
    }

    private sealed class GnssAltitude : ISignalProjection<GnssReading>
    {
        private double? _origin;

        public void Project(GnssReading reading, long timestamp, Action<string, double> emit)
        {
            var altitude = reading.Altitude.Meters;
            _origin ??= altitude;
            emit("speed_mps", reading.GroundSpeed.MetersPerSecond);
            emit("altitude_m", altitude);
            emit("altitude_rel_m", altitude - _origin.Value);
            emit("fix", reading.Quality == GnssFixQuality.None ? 0 : 1);
            emit("satellites", reading.Satellites);
        }
    }
}
