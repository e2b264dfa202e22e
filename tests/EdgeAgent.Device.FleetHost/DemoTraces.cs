using EdgeAgent.TestKit.Hardware;

/// <summary>
/// The demo's recorded traces (hardware/TRACES.md), one per product, two minutes each, with the camera and microphone
/// lines naming the demo's sample inputs beside the trace (astronaut.png, chelsea.png, bw_text.png, speech.wav).
/// </summary>
internal static class DemoTraces
{
    private const long End = 120_000;

    public static TraceWriter For(string product) => product switch
    {
        "smart-glasses" => Glasses(),
        "drone" => Drone(),
        "service-robot" => Robot(),
        _ => throw new ArgumentException($"no demo trace for '{product}'; allowed: smart-glasses, drone, service-robot", nameof(product)),
    };

    /// <summary>On the desk for 4 s with the camera on, then worn (head motion), the microphone in use from 6 s.</summary>
    private static TraceWriter Glasses()
    {
        var t = new TraceWriter("smart-glasses", "demo: put on at 4 s, camera throughout, microphone from 6 s");
        t.Sensor("imu", 100).Constant(0, 4_000, TraceSample.Motion()).Alternating(4_000, End, TraceSample.Motion(az: 1.08, gx: 12), TraceSample.Motion(az: 1.0, gx: -9));
        t.Sensor("env", 5_000).Constant(0, End, TraceSample.Environment(31.5, 1012.8, 48));
        t.Sensor("battery", 5_000).Segment(0, End, ms => TraceSample.Battery(3.95, 82 - (ms / 10_000.0), -24));
        t.Sensor("camera", 250).Alternating(0, End, TraceSample.Image("astronaut.png"), TraceSample.Image("chelsea.png"));
        t.Sensor("mic", 4_000).Constant(6_000, End, TraceSample.Audio("speech.wav"));
        return t;
    }

    /// <summary>Commissioned by a long press at 1-7 s; standby, armed at 3 s, take-off at 6 s, a 55 A motor surge at 14-17 s (motor.overcurrent), landing at 60 s.</summary>
    private static TraceWriter Drone()
    {
        var t = new TraceWriter("drone", "demo: armed at 3 s, airborne 6-60 s with a motor surge at 14 s");
        t.Sensor("imu", 100).Constant(0, 6_000, TraceSample.Motion(tempC: 38)).Alternating(6_000, 60_000, TraceSample.Motion(ax: 0.15, az: 1.05, gz: 20, tempC: 41), TraceSample.Motion(ax: -0.1, az: 0.97, gz: -15, tempC: 41))
            .Constant(60_000, End, TraceSample.Motion(tempC: 40));
        t.Sensor("gnss", 1_000).Segment(0, End, ms => ms is >= 6_000 and < 60_000
            ? TraceSample.Gnss(30.2460 + (ms - 6_000) / 1e8, 120.1570, 8 + Math.Min(40, (ms - 6_000) / 500.0), 6.5)
            : TraceSample.Gnss(30.2460, 120.1570, 8, 0));
        t.Sensor("motor", 200).Segment(0, End, ms => ms switch
        {
            < 3_000 => TraceSample.Power(22.2, 0.05),
            < 6_000 => TraceSample.Power(22.2, 2.5),
            >= 14_000 and < 17_000 => TraceSample.Power(21.4, 55),
            < 60_000 => TraceSample.Power(21.8, 18),
            _ => TraceSample.Power(22.0, 0.05),
        });
        t.Sensor("pack", 1_000).Constant(0, End, TraceSample.Adc(3.3, 0.0, 0.0, 0.0));
        t.Sensor("landing", 100).Segment(0, End, ms => TraceSample.Distance(ms is >= 6_000 and < 60_000 ? 1.9 : 0.08));
        t.Sensor("camera", 500).Constant(0, End, TraceSample.Image("bw_text.png"));
        // The installer holds the button for 6 s (the profile's long press is 5 s): commissioning at the configured site.
        t.Sensor("button", 1_000).Constant(1_000, 7_000, TraceSample.Button(true)).Constant(7_000, 8_000, TraceSample.Button(false));
        return t;
    }

    /// <summary>Commissioned by a long press at 1-5 s; standby, then a greeting (servos moving, drive current) from 3 s, with camera and microphone.</summary>
    private static TraceWriter Robot()
    {
        var t = new TraceWriter("service-robot", "demo: greeting a visitor from 3 s");
        t.Sensor("servo", 200).Constant(0, 3_000, TraceSample.Pwm(0.075, 0.075, 0, 0))
            .Segment(3_000, End, ms => TraceSample.Pwm(0.075 + 0.02 * Math.Sin(ms / 700.0), 0.075 + 0.02 * Math.Cos(ms / 900.0), 0, 0));
        t.Sensor("drive", 200).Segment(0, End, ms => TraceSample.Power(24, ms < 3_000 ? 0.1 : 1.6));
        t.Sensor("adc", 1_000).Constant(0, End, TraceSample.Adc(3.2, 0.0, 0.0, 0.0));
        t.Sensor("bumper", 100).Constant(0, End, TraceSample.Distance(1.2));
        t.Sensor("env", 5_000).Constant(0, End, TraceSample.Environment(24.5, 1013.1, 52));
        t.Sensor("camera", 500).Alternating(0, End, TraceSample.Image("astronaut.png"), TraceSample.Image("chelsea.png"));
        t.Sensor("mic", 3_000).Constant(0, End, TraceSample.Audio("speech.wav"));
        // The installer holds the button for 4 s (the profile's long press is 3 s): commissioning at the configured site.
        t.Sensor("button", 1_000).Constant(1_000, 5_000, TraceSample.Button(true)).Constant(5_000, 6_000, TraceSample.Button(false));
        return t;
    }
}
