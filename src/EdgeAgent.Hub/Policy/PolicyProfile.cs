using System.Text.Json.Serialization;

namespace EdgeAgent.Hub.Policy;

/// <summary>
/// A policy profile (<c>policies/ID.json</c>): every rate, cap and window the reports use, versioned as data. Read by
/// <see cref="PolicyLoader"/>, which checks every field; nothing here has a default, so a missing field is an error, not
/// a silent value from code.
/// </summary>
internal sealed record PolicyProfile
{
    public string? Id { get; init; }

    public string? Version { get; init; }

    public string? Title { get; init; }

    public string? Note { get; init; }

    public string? Currency { get; init; }

    /// <summary>The local time zone dates and calendar years are taken in (minutes east of UTC; Hangzhou is +480).</summary>
    public int? UtcOffsetMinutes { get; init; }

    public SalesAwardPolicy? SalesAward { get; init; }

    public PilotPolicy? Pilot { get; init; }

    public ComputeVoucherPolicy? ComputeVoucher { get; init; }

    [JsonIgnore]
    public TimeSpan UtcOffset => TimeSpan.FromMinutes(UtcOffsetMinutes ?? 0);

    [JsonIgnore]
    public string Label => $"{Id} version {Version}";
}

internal sealed record SalesAwardPolicy
{
    /// <summary>Award = rate × verified sales V of each selected product.</summary>
    public decimal? Rate { get; init; }

    public decimal? CapPerEnterpriseCny { get; init; }

    public int? MaxProductsPerEnterprise { get; init; }

    /// <summary>A unit returned within this many days of delivery (else of the invoice date) was never a sale.</summary>
    public int? ReturnWindowDays { get; init; }

    public IReadOnlyList<string>? CountedUnitClasses { get; init; }

    public bool? ExcludeRelatedPartyBuyers { get; init; }

    /// <summary>Two activations of one serial in different regions less than this apart cannot be one unit: quarantined as a clone.</summary>
    public int? CloneActivationWindowHours { get; init; }

    /// <summary>The windows (days before the period end) of the active-rate figures, e.g. 30 and 90.</summary>
    public IReadOnlyList<int>? ActiveWindowDays { get; init; }
}

internal sealed record PilotPolicy
{
    /// <summary>The first N units per (user organisation, product) are 首台（套）.</summary>
    public int? FirstUnits { get; init; }

    /// <summary>θ_L = 2T / χ²(1−α; 2r+2): the MTBF lower bound at confidence 1−α.</summary>
    public double? MtbfAlpha { get; init; }

    public IReadOnlyList<string>? RequiredDocuments { get; init; }
}

internal sealed record ComputeVoucherPolicy
{
    public decimal? CityCapPerEnterpriseCny { get; init; }

    public IReadOnlyList<VoucherRate>? Rates { get; init; }
}

/// <summary>Voucher rates of one category: share of the amount incurred, under the city voucher, the national one, or both (null: not eligible).</summary>
internal sealed record VoucherRate
{
    public string? Category { get; init; }

    public decimal? City { get; init; }

    public decimal? National { get; init; }

    public decimal? Both { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true)]
[JsonSerializable(typeof(PolicyProfile))]
internal sealed partial class PolicyJsonContext : JsonSerializerContext;
