using System.Globalization;
using EdgeAgent.Core.Faults;
using EdgeAgent.Core.Pipelines;
using EdgeAgent.Device.Hardware;
using EdgeAgent.Hardware.Companion;
using EdgeAgent.Hardware.Monitoring;
using EdgeAgent.Hardware.Profiles;
using EdgeAgent.Hardware.Signals;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeAgent.Device.Doctor;

/// <summary>
/// The board against its profile: each sensor opened (chip identity checked) and read once, the camera and microphone
/// opened and read a frame, the status LED and button opened. A row per part, with what to check when it fails.
/// </summary>
internal static class HardwareChecks
{
    /// <summary>How long a part may take to give its first reading or frame (a GNSS sends once a second).</summary>
    private static readonly TimeSpan FirstReading = TimeSpan.FromSeconds(3);

    public static async Task<IReadOnlyList<DoctorRow>> RowsAsync(HardwareSetup setup, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(setup);
        if (setup is not { Product: { } product, Board: { } board })
        {
            return [DoctorRow.Warn("profile", "no product profile (Hardware:Product): sensors, camera, microphone and controls are not checked",
                "set Hardware:Product (and Hardware:Board) to the profiles of this unit, e.g. --set Hardware:Product=smart-glasses --set Hardware:Board=raspberry-pi-5")];
        }

        var rows = new List<DoctorRow>
        {
            DoctorRow.Pass("profile", $"product {product.Id} on board {board.Id} ({board.Name}): {product.Sensors.Count} sensor(s), {product.Pipelines.Count} pipeline(s); {product.SourceFile} and {board.SourceFile} are valid"
                + (setup.Rig.Replay is { } replay ? $"; replaying {replay}" : "")),
        };
        var (companion, companionRow) = product.Companion is null ? (null, null) : await CompanionAsync(setup, time, cancellationToken).ConfigureAwait(false);
        await using var companionOwned = companion;
        if (companionRow is not null)
        {
            rows.Add(companionRow);
        }

        using (var rig = SensorRig.Open(product, board, setup.Rig with { Companion = companion?.Link }, time))
        {
            foreach (var failure in rig.Failures)
            {
                rows.Add(DoctorRow.Fail($"sensor {failure.Sensor.Id}", $"{Where(failure.Sensor, board)}: {failure.Reason}", Remedy(failure, board)));
            }

            foreach (var channel in rig.Channels)
            {
                rows.Add(await ReadAsync(channel, product.Sensor(channel.Name)!, board, time, cancellationToken).ConfigureAwait(false));
            }
        }

        foreach (var sensor in product.Sensors.Where(s => s.Kind is "camera" or "microphone"))
        {
            rows.Add(await MediaAsync(setup, sensor, time, cancellationToken).ConfigureAwait(false));
        }

        if (product.Controls is { } controls && (controls.StatusLed is not null || controls.Button is not null))
        {
            using var controlRig = ControlRig.Open(product, board, time, setup.Rig.Replay);
            rows.Add(controlRig.Problems.Count == 0
                ? DoctorRow.Pass("controls", string.Join(", ", new[]
                    {
                        controls.StatusLed is { } led ? $"status LED on pin {led.Pin}" : null,
                        controls.Button is { } button ? $"button on pin {button.Pin} ({(controlRig.Button!.IsPressed() ? "pressed now" : "released")}, long press {button.LongPressMs} ms: {button.Action})" : null,
                    }.OfType<string>()))
                : DoctorRow.Fail("controls", string.Join("; ", controlRig.Problems),
                    $"check {board.GpioChip} exists and the agent's user may open it (group gpio), and the pins in {product.SourceFile}"));
        }

        return rows;
    }

    /// <summary>The companion's link opened and heard from: frames received, commands acknowledged, firmware restarts; the connection stays open for the companion sensors' rows.</summary>
    private static async Task<(CompanionConnection? Connection, DoctorRow Row)> CompanionAsync(HardwareSetup setup, TimeProvider time, CancellationToken cancellationToken)
    {
        const string check = "companion";
        var board = setup.Board!;
        if (!CompanionService.Wanted(setup) && setup.Rig.Replay is { } replay)
        {
            return (null, DoctorRow.Warn(check, $"replaying {replay}: the companion is not opened (a trace holds none)", "run doctor on the unit without Hardware:Replay to check the companion's link"));
        }

        if (board.Companion is not { } port)
        {
            return (null, DoctorRow.Fail(check, $"the product carries a companion, but board {board.Id} has no companion port", $"add \"companion\": {{ \"port\": ..., \"baud\": 115200 }} to {board.SourceFile}"));
        }

        CompanionConnection connection;
        try
        {
            connection = CompanionConnection.Open(board, time, usage: null);
        }
        catch (IOException e)
        {
            return (null, DoctorRow.Fail(check, e.Message,
                $"check {port.Port} exists (the UART enabled in the board's overlay, or the USB-UART bridge plugged in: ls -l {port.Port}), that the agent's user is in the dialout group, and the port in {board.SourceFile}"));
        }

        var link = connection.Link;
        var start = time.GetTimestamp();
        var heard = await link.WaitUntilAsync(() => link.Statistics.Received > 0, FirstReading, cancellationToken).ConfigureAwait(false);
        var s = link.Statistics;
        if (!heard)
        {
            return (connection, DoctorRow.Fail(check, string.Create(CultureInfo.InvariantCulture, $"{port.Port} at {port.Baud} baud: open, but no frame from the companion within {FirstReading.TotalSeconds:0} s ({s.BytesReceived} byte(s), {s.FramesDropped} damaged frame(s))"),
                $"check the companion is powered and flashed (firmware/README.md), its TX goes to the board's RX and its RX to the board's TX, grounds are shared, and both run at {port.Baud} baud"));
        }

        var battery = link.Battery.TryRead(out var b) ? string.Create(CultureInfo.InvariantCulture, $", battery {b.CellVoltage.Volts:0.00} V {b.StateOfCharge.Percent:0} %") : "";
        return (connection, DoctorRow.Pass(check, string.Create(CultureInfo.InvariantCulture,
            $"{port.Port} at {port.Baud} baud: link up, {s.Received} frame(s) received in {time.GetElapsedTime(start).TotalSeconds:0.0} s, {s.Acknowledged} command(s) acknowledged, {s.FramesDropped} damaged frame(s) dropped, firmware restarts seen: {s.CompanionRestarts}{battery}")));
    }

    private static async Task<DoctorRow> ReadAsync(SensorChannel channel, ProductSensor sensor, BoardProfile board, TimeProvider time, CancellationToken cancellationToken)
    {
        var check = $"sensor {channel.Name}";
        var signals = new SortedDictionary<string, double>(StringComparer.Ordinal);
        var start = time.GetTimestamp();
        while (true)
        {
            var outcome = channel.Sample(time.GetTimestamp(), (signal, value, _) => signals[signal] = value);
            switch (outcome)
            {
                case SampleOutcome.Reading:
                    return DoctorRow.Pass(check, $"{Where(sensor, board)}: identified, reads " +
                        string.Join(", ", signals.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Key[(channel.Name.Length + 1)..]}={s.Value:0.###}"))));
                case SampleOutcome.BusFault:
                    return DoctorRow.Fail(check, $"{Where(sensor, board)}: identified at open, then the read failed: {channel.LastFault!.Message}",
                        "check the wiring (loose SDA/SCL, missing pull-ups, a long cable) and the supply of the part");
            }

            if (time.GetElapsedTime(start) >= FirstReading)
            {
                return DoctorRow.Warn(check, $"{Where(sensor, board)}: identified, but no valid reading within {FirstReading.TotalSeconds:0} s" +
                    (sensor.Kind == "gnss" ? " (no fix: a receiver needs open sky, and minutes after a cold start)" : " (not ready yet)"),
                    sensor.Kind == "gnss" ? "take the unit outdoors or near a window and run doctor again" : "run doctor again; if it stays, the part may be faulty");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<DoctorRow> MediaAsync(HardwareSetup setup, ProductSensor sensor, TimeProvider time, CancellationToken cancellationToken)
    {
        var check = $"{sensor.Kind} {sensor.Id}";
        if (setup.Board!.Simulated && setup.Rig.Replay is null)
        {
            return DoctorRow.Warn(check, $"the simulated board has no {sensor.Kind}: the pipelines on it do not run",
                "replay a recorded trace with camera and microphone lines (--set Hardware:Replay=trace.jsonl, hardware/TRACES.md), or give the pipelines sample files");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(FirstReading + FirstReading);
        var device = LiveSources.DeviceOf(setup, sensor);
        try
        {
            var frame = sensor.Kind == "camera"
                ? await FirstAsync(LiveSources.Camera(setup, sensor, time, NullLoggerFactory.Instance), i => $"a {i.Width}x{i.Height} frame", deadline.Token).ConfigureAwait(false)
                : await FirstAsync(LiveSources.Microphone(setup, sensor, time, NullLoggerFactory.Instance), c => $"{c.Duration.TotalSeconds:0.##} s of audio", deadline.Token).ConfigureAwait(false);
            return frame is { } got
                ? DoctorRow.Pass(check, $"{device}: open, gave {got}")
                : DoctorRow.Fail(check, $"{device}: open, but gave nothing", "check the trace has lines for it, or the device streams (another program may hold it)");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return DoctorRow.Fail(check, $"{device}: open, but no frame within {(FirstReading + FirstReading).TotalSeconds:0} s", "check that no other program holds the device and that it streams (v4l2-ctl --stream-mmap, arecord)");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or Core.Media.MediaFormatException)
        {
            return DoctorRow.Fail(check, $"{device}: {e.Message}", sensor.Kind == "camera"
                ? "check the camera is plugged in (ls /dev/video*), the board profile's cameras entry, and that the agent's user is in the video group"
                : "check the microphone (arecord -l), the board profile's audio entry, and that the agent's user is in the audio group");
        }
    }

    private static async Task<string?> FirstAsync<T>(IFrameSource<T> source, Func<T, string> describe, CancellationToken cancellationToken)
    {
        await foreach (var frame in source.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return describe(frame);
        }

        return null;
    }

    private static string Where(ProductSensor sensor, BoardProfile board) =>
        sensor.Chip == ProfileVocabulary.CompanionChip ? $"the companion's {sensor.Kind} over its link ({board.Companion?.Port ?? "no port"})"
        : sensor.Kind == "gnss"
        ? $"{sensor.Chip} on {sensor.Uart} ({(board.Uart.TryGetValue(sensor.Uart!, out var uart) ? uart : "?")})"
        : string.Create(CultureInfo.InvariantCulture, $"{sensor.Chip} at {sensor.Bus} 0x{sensor.I2cAddress ?? 0:X2} ({(board.I2c.TryGetValue(sensor.Bus!, out var bus) ? bus : "?")})");

    private static string Remedy(SensorOpenError failure, BoardProfile board)
    {
        var sensor = failure.Sensor;
        if (sensor.Chip == ProfileVocabulary.CompanionChip)
        {
            return "see the companion row: its link must be up for its sources";
        }

        if (sensor.Kind == "gnss")
        {
            return $"check the receiver's TX goes to the board's RX on {sensor.Uart}, the UART is enabled, the baud rate ({sensor.Baud ?? 9600}) matches, and the agent's user is in the dialout group";
        }

        var address = string.Create(CultureInfo.InvariantCulture, $"0x{sensor.I2cAddress ?? 0:X2}");
        var busPath = board.I2c.TryGetValue(sensor.Bus!, out var path) ? path : sensor.Bus!;
        var detect = busPath.StartsWith("/dev/i2c-", StringComparison.Ordinal) ? $" (i2cdetect -y {busPath["/dev/i2c-".Length..]} should list {address[2..].ToLowerInvariant()})" : "";
        return failure.Failure == SensorOpenFailure.WrongIdentity
            ? $"another chip answers at {address}: check the part fitted is a {sensor.Chip}, its address strap, or the profile's chip and address"
            : $"check the wiring and power of the {sensor.Chip} at {address} on {busPath}{detect}, and that the agent's user is in the i2c group";
    }
}
