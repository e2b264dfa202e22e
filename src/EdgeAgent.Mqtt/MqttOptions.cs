using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;

namespace EdgeAgent.Mqtt;

/// <summary>The device publisher's connection and batching settings; bound from the <c>Mqtt</c> section.</summary>
[UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "RangeAttribute(typeof(TimeSpan), ...) converts its bounds with TimeSpan's intrinsic TypeConverter, which trimming keeps; the published NativeAOT agent rejects out-of-range values (README, Publish).")]
public sealed class MqttOptions : IValidatableObject
{
    public const string Section = "Mqtt";

    /// <summary><c>mqtt://host:port</c> or <c>mqtts://host:port</c> (TLS). Default <c>mqtt://127.0.0.1:1883</c>.</summary>
    [Required(ErrorMessage = "Mqtt:Broker is required: mqtt://host:port or mqtts://host:port")]
    public string Broker { get; set; } = "mqtt://127.0.0.1:1883";

    /// <summary>The MQTT client id; null or empty means the device id (the signer's).</summary>
    [RegularExpression("^[A-Za-z0-9._-]{1,64}$", ErrorMessage = "Mqtt:ClientId must be 1-64 of A-Z a-z 0-9 . _ - (or empty for the device id)")]
    public string? ClientId { get; set; }

    /// <summary>MQTT keep-alive period. Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Mqtt:KeepAlive must be between 00:00:01 and 01:00:00")]
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>First reconnect delay ceiling (exponential backoff, full jitter). Default 1 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00", ErrorMessage = "Mqtt:ReconnectMin must be between 00:00:00.010 and 00:10:00")]
    public TimeSpan ReconnectMin { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Largest reconnect delay. Default 60 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00", ErrorMessage = "Mqtt:ReconnectMax must be between 00:00:00.010 and 01:00:00")]
    public TimeSpan ReconnectMax { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Most entries (records and tombstones) in one batch. Default 500.</summary>
    [Range(1, 5000, ErrorMessage = "Mqtt:BatchMaxRecords must be between 1 and 5000")]
    public int BatchMaxRecords { get; set; } = 500;

    /// <summary>
    /// Most bytes in one batch message. Default (and most) 1 MiB, what the hub reads. Large batches are cheap because the
    /// client's socket buffers are sized for them (<see cref="Connection.ClientOptions.SizeSocketBuffers"/>).
    /// </summary>
    [Range(4096, Contracts.Records.RecordBatch.MaxBatchBytes, ErrorMessage = "Mqtt:BatchMaxBytes must be between 4096 and 1048576")]
    public int BatchMaxBytes { get; set; } = Contracts.Records.RecordBatch.MaxBatchBytes;

    /// <summary>How long to let a batch fill once a record is pending. Default 200 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00", ErrorMessage = "Mqtt:BatchMaxDelay must be between 00:00:00 and 00:01:00")]
    public TimeSpan BatchMaxDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Most batches published beyond the hub's last acknowledgement. Default 8.</summary>
    [Range(1, 1000, ErrorMessage = "Mqtt:MaxInFlightBatches must be between 1 and 1000")]
    public int MaxInFlightBatches { get; set; } = 8;

    /// <summary>No acknowledgement progress for this long while records are in flight: send again from acked + 1. Default 15 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00", ErrorMessage = "Mqtt:AckTimeout must be between 00:00:00.100 and 01:00:00")]
    public TimeSpan AckTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// At a clean stop, how long to wait for the hub to acknowledge what was recorded up to then (the last usage summary,
    /// the power-off record) while connected. Default 5 s; 0 stops at once (the records go at the next start).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00", ErrorMessage = "Mqtt:DrainTimeout must be between 00:00:00 and 00:05:00")]
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the broker keeps the persistent session (CleanStart=false) after a disconnect. Default 7 days.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "49710.00:00:00", ErrorMessage = "Mqtt:SessionExpiry must be between 00:00:00 and 49710.00:00:00")]
    public TimeSpan SessionExpiry { get; set; } = TimeSpan.FromDays(7);

    /// <summary>PEM file of the CA(s) that sign the broker's certificate (mqtts only); null uses the system store.</summary>
    public string? CaFile { get; set; }

    /// <summary>PEM client certificate for mutual TLS (mqtts only); needs <see cref="ClientKeyFile"/>.</summary>
    public string? ClientCertFile { get; set; }

    /// <summary>PEM private key of <see cref="ClientCertFile"/>.</summary>
    public string? ClientKeyFile { get; set; }

    /// <summary>The broker endpoint parsed from <see cref="Broker"/> (valid once validation passed).</summary>
    internal BrokerEndpoint Endpoint => BrokerEndpoint.TryParse(Broker, out var e, out var problem)
        ? e
        : throw new InvalidOperationException(problem);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!BrokerEndpoint.TryParse(Broker, out var endpoint, out var problem))
        {
            yield return new ValidationResult(problem, [nameof(Broker)]);
        }

        if (ReconnectMin > ReconnectMax)
        {
            yield return new ValidationResult($"Mqtt:ReconnectMin ({ReconnectMin}) must not exceed Mqtt:ReconnectMax ({ReconnectMax})", [nameof(ReconnectMin)]);
        }

        var usesTls = endpoint?.Tls ?? false;
        foreach (var (key, path) in new[] { (nameof(CaFile), CaFile), (nameof(ClientCertFile), ClientCertFile), (nameof(ClientKeyFile), ClientKeyFile) })
        {
            if (string.IsNullOrEmpty(path))
            {
                continue;
            }

            if (!usesTls)
            {
                yield return new ValidationResult($"Mqtt:{key} is set but Mqtt:Broker '{Broker}' is not mqtts://; TLS files are used with mqtts only", [key]);
            }
            else if (!File.Exists(path))
            {
                yield return new ValidationResult($"Mqtt:{key} '{path}' does not exist (a PEM file is expected)", [key]);
            }
        }

        if (string.IsNullOrEmpty(ClientCertFile) != string.IsNullOrEmpty(ClientKeyFile))
        {
            yield return new ValidationResult("Mqtt:ClientCertFile and Mqtt:ClientKeyFile go together: set both or neither", [nameof(ClientCertFile), nameof(ClientKeyFile)]);
        }
    }
}

/// <summary>Where the broker is: host, port, and whether the link is TLS.</summary>
public sealed record BrokerEndpoint(string Host, int Port, bool Tls)
{
    public override string ToString() => $"{(Tls ? "mqtts" : "mqtt")}://{Host}:{Port}";

    public static bool TryParse(string? value, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out BrokerEndpoint? endpoint, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? problem)
    {
        endpoint = null;
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri))
        {
            problem = $"Mqtt:Broker '{value}' is not a URI; expected mqtt://host:port or mqtts://host:port";
            return false;
        }

        if (uri.Scheme is not ("mqtt" or "mqtts"))
        {
            problem = $"Mqtt:Broker '{value}' has scheme '{uri.Scheme}'; allowed: mqtt, mqtts";
            return false;
        }

        if (uri.IsDefaultPort || uri.Port is < 1 or > 65535)
        {
            problem = $"Mqtt:Broker '{value}' needs an explicit port between 1 and 65535 (mqtt://host:port)";
            return false;
        }

        if (uri.AbsolutePath is not ("/" or "") || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            problem = $"Mqtt:Broker '{value}' must be only scheme, host and port (mqtt://host:port)";
            return false;
        }

        endpoint = new BrokerEndpoint(uri.IdnHost, uri.Port, uri.Scheme == "mqtts");
        problem = null;
        return true;
    }
}
