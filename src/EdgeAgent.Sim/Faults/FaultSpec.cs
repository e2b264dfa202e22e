using System.Globalization;

namespace EdgeAgent.Sim.Faults;

/// <summary>The faults the simulator injects.</summary>
internal enum FaultKind
{
    Disconnect,
    Reset,
    Duplicate,
    Tamper,
    NoRtc,
    Drift,
}

/// <summary>
/// One <c>--fault</c> option. Events (disconnect, reset, duplicate, tamper) take a rate per device per second
/// (<c>disconnect=0.01/s</c>: each device, each second, with probability 0.01) or a share of the devices
/// (<c>reset=5%</c>: that share of the devices, chosen with the seed, once each at a random moment of the middle half of
/// the run). States take a share: <c>no-rtc=10%</c> (no trusted wall clock); <c>drift=PPM</c> or <c>drift=PPMppm@SHARE%</c>
/// (clock fast by PPM, negative slow; every device unless a share is given).
/// </summary>
internal sealed record FaultSpec(FaultKind Kind, string Text, double? RatePerSecond, double Share, double Ppm)
{
    public const string Syntax =
        "disconnect|reset|duplicate|tamper=RATE/s (per device per second) or =SHARE% (that share of devices, once each); " +
        "no-rtc=SHARE%; drift=PPM[ppm][@SHARE%] (every device unless a share is given)";

    public bool IsEvent => Kind is not (FaultKind.NoRtc or FaultKind.Drift);

    /// <summary>What the hub should show for this fault (printed in the summary, checked by tests/EdgeAgent.Sim.Tests).</summary>
    public string HubShouldShow => Kind switch
    {
        FaultKind.Disconnect => "no loss: records made while disconnected are stored and acknowledged after the reconnect, each once; one more clock.sync per reconnect",
        FaultKind.Reset => "a new boot per reset: power.state on with previous_shutdown unclean, mono_ms from 0 again, seq continuing the same chain",
        FaultKind.Duplicate => "records sent again are acknowledged again and stored once: no rejection, records stored = records made",
        FaultKind.Tamper => "a rejection (broken_chain, or bad_signature when the altered record ends its batch) for the altered delivery and gap for the batch the device sent behind it, nothing of either counted, the true record stored when sent again",
        FaultKind.NoRtc => "records before the boot's first clock.sync with time_src none and no wall_ms, later ones with time_src hub (the device clock anchored on the hub's); never ntp; the hub places them as anchored through the boot's clock.sync",
        FaultKind.Drift => "the offset_ms of a boot's successive clock.sync records moving by about -ppm x 1e-6 x the mono ms between them (each drifting device reconnects once mid-run, so its boot has two)",
        _ => throw new InvalidOperationException($"unknown fault {Kind}"),
    };

    public static string Name(FaultKind kind) => kind switch
    {
        FaultKind.NoRtc => "no-rtc",
        _ => kind.ToString().ToLowerInvariant(),
    };

    public static bool TryParse(string text, out FaultSpec? spec, out string? problem)
    {
        spec = null;
        var eq = text.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
        {
            problem = $"--fault '{text}': expected KIND=VALUE; {Syntax}";
            return false;
        }

        var name = text[..eq].Trim();
        var value = text[(eq + 1)..].Trim();
        FaultKind? kind = name switch
        {
            "disconnect" => FaultKind.Disconnect,
            "reset" => FaultKind.Reset,
            "duplicate" => FaultKind.Duplicate,
            "tamper" => FaultKind.Tamper,
            "no-rtc" => FaultKind.NoRtc,
            "drift" => FaultKind.Drift,
            _ => null,
        };
        if (kind is null)
        {
            problem = $"--fault '{text}': unknown fault '{name}'; allowed: disconnect, reset, duplicate, tamper, no-rtc, drift";
            return false;
        }

        if (kind == FaultKind.Drift)
        {
            var at = value.IndexOf('@', StringComparison.Ordinal);
            var ppmText = (at < 0 ? value : value[..at]).Replace("ppm", "", StringComparison.Ordinal);
            var share = 1.0;
            if (!double.TryParse(ppmText, NumberStyles.Float, CultureInfo.InvariantCulture, out var ppm) || ppm is <= -100_000 or >= 100_000 ||
                (at >= 0 && !TryShare(value[(at + 1)..], out share)))
            {
                problem = $"--fault '{text}': expected drift=PPM[ppm][@SHARE%] with PPM between -100000 and 100000 and SHARE between 0 and 100, e.g. drift=50ppm@20%";
                return false;
            }

            (spec, problem) = (new FaultSpec(FaultKind.Drift, text, null, share, ppm), null);
            return true;
        }

        if (value.EndsWith("/s", StringComparison.Ordinal) && kind != FaultKind.NoRtc)
        {
            if (!double.TryParse(value[..^2], NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) || rate is <= 0 or > 1)
            {
                problem = $"--fault '{text}': the rate must be a probability per device per second, above 0 and at most 1 (e.g. {name}=0.01/s)";
                return false;
            }

            (spec, problem) = (new FaultSpec(kind.Value, text, rate, 1, 0), null);
            return true;
        }

        if (!TryShare(value, out var part))
        {
            problem = kind == FaultKind.NoRtc
                ? $"--fault '{text}': expected no-rtc=SHARE% with SHARE between 0 and 100 (e.g. no-rtc=10%)"
                : $"--fault '{text}': expected {name}=RATE/s or {name}=SHARE% (e.g. {name}=0.01/s or {name}=5%)";
            return false;
        }

        (spec, problem) = (new FaultSpec(kind.Value, text, null, part, 0), null);
        return true;
    }

    private static bool TryShare(string value, out double share)
    {
        share = 0;
        if (!value.EndsWith('%') || !double.TryParse(value[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var percent) || percent is <= 0 or > 100)
        {
            return false;
        }

        share = percent / 100;
        return true;
    }
}
