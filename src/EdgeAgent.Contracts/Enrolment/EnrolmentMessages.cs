using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeAgent.Contracts.Enrolment;

/// <summary>
/// The enrolment exchange, <c>POST /api/v1/enrol</c> on the hub's HTTP endpoint: the device sends its one-time token
/// and a PKCS#10 CSR signed by its device key (subject <c>CN={serial}, OU={product}</c>) and gets its certificate and the
/// hub CA certificate back, or <see cref="EnrolmentError"/> with 400 (bad request or CSR), 401 (token unknown, used or
/// expired), 403 (device revoked) or 409 (another key is enrolled for the serial).
/// </summary>
public sealed record EnrolmentRequest
{
    public const string Route = "/api/v1/enrol";

    [JsonPropertyName("token")]
    public string? Token { get; init; }

    [JsonPropertyName("csr")]
    public string? Csr { get; init; }
}

public sealed record EnrolmentResponse
{
    [JsonPropertyName("device_id")]
    public required string DeviceId { get; init; }

    [JsonPropertyName("product_id")]
    public required string ProductId { get; init; }

    /// <summary>The device certificate, PEM: CN = serial, OU = product, SAN URI <c>urn:edgeagent:{product}:{device}</c>.</summary>
    [JsonPropertyName("certificate")]
    public required string Certificate { get; init; }

    /// <summary>The hub CA certificate, PEM: what the device trusts for the broker's server certificate.</summary>
    [JsonPropertyName("ca_certificate")]
    public required string CaCertificate { get; init; }

    /// <summary>The hub's TLS broker as the device reached the hub (<c>mqtts://host:port</c>), when it runs one.</summary>
    [JsonPropertyName("broker")]
    public string? Broker { get; init; }
}

public sealed record EnrolmentError
{
    [JsonPropertyName("error")]
    public required string Error { get; init; }
}

/// <summary>Reading and writing the enrolment messages (source-generated, strict about types).</summary>
public static class EnrolmentJson
{
    public static byte[] Write(EnrolmentRequest value) => JsonSerializer.SerializeToUtf8Bytes(value, EnrolmentJsonContext.Default.EnrolmentRequest);

    public static byte[] Write(EnrolmentResponse value) => JsonSerializer.SerializeToUtf8Bytes(value, EnrolmentJsonContext.Default.EnrolmentResponse);

    public static byte[] Write(EnrolmentError value) => JsonSerializer.SerializeToUtf8Bytes(value, EnrolmentJsonContext.Default.EnrolmentError);

    /// <exception cref="JsonException">Not an enrolment request.</exception>
    public static ValueTask<EnrolmentRequest?> ReadRequestAsync(Stream stream, CancellationToken cancellationToken) =>
        JsonSerializer.DeserializeAsync(stream, EnrolmentJsonContext.Default.EnrolmentRequest, cancellationToken);

    /// <exception cref="JsonException">Not an enrolment response.</exception>
    public static EnrolmentResponse? ReadResponse(string json) => JsonSerializer.Deserialize(json, EnrolmentJsonContext.Default.EnrolmentResponse);

    /// <summary>The error text of an error body; null when the body is not one.</summary>
    public static string? ReadError(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, EnrolmentJsonContext.Default.EnrolmentError)?.Error;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

[JsonSerializable(typeof(EnrolmentRequest))]
[JsonSerializable(typeof(EnrolmentResponse))]
[JsonSerializable(typeof(EnrolmentError))]
internal sealed partial class EnrolmentJsonContext : JsonSerializerContext;
