using System.Text.Json.Serialization;

namespace EdgeAgent.Hub.Reports;

/// <summary>What every report states about itself: kind, filters, the policy profile, the inputs and the integrity roots.</summary>
internal sealed record ReportHeader(
    string Kind, string Title, int Year, string? Product, string? Site, string ProfileId, string ProfileVersion, string GeneratedAt, string Label,
    IReadOnlyList<InputDigest> Inputs, IReadOnlyList<IntegrityRoot> IntegrityRoots);

/// <summary>A unit or record listed for follow-up rather than counted, with why.</summary>
internal sealed record ReportException(string Kind, string Serial, string ProductId, string Detail);

// ---- sales award

internal sealed record SalesAwardReport(ReportHeader Header, IReadOnlyList<EnterpriseAward> Enterprises, IReadOnlyList<ReconciliationRow> Reconciliation, IReadOnlyList<ReportException> Exceptions);

internal sealed record EnterpriseAward(string EnterpriseId, string Name, IReadOnlyList<ProductSales> Products, decimal AwardBeforeCapCny, decimal CapCny, decimal AwardCny, bool CapBinding);

internal sealed record ActiveRate(int Days, int Active, double Rate);

internal sealed record ProductSales(
    string ProductId, string Name, int Rank, bool Selected,
    int TierAUnits, decimal TierACny, int TierBUnits, decimal TierBCny, int VerifiedUnits, decimal VerifiedCny, decimal AwardAtRateCny,
    int TierCUnits, int Quarantined, int Reactivations, int InvoicedUnits, int ReturnedUnits, double ReturnRate,
    int InstalledBase, IReadOnlyList<ActiveRate> ActiveRates, double OperatingHours, long Inferences);

internal sealed record ReconciliationRow(
    string Serial, string ProductId, string InvoiceNo, long Line, string IssuedOn, string BuyerId, string UnitClass,
    decimal ShareCny, decimal CreditedCny, decimal NetCny, bool Paid, string? ActivatedAt, string Tier, string Status);

// ---- pilot

internal sealed record PilotReport(ReportHeader Header, IReadOnlyList<PilotGroup> Groups, IReadOnlyList<PilotUnit> Units, IReadOnlyList<ReportException> Exceptions);

internal sealed record Reliability(
    double OperatingHours, int RelevantFailures, double? MtbfHours, double MtbfLowerHours, double FailureRatePerHour, double? MttrHours,
    double? Availability, int NoFaultFound);

internal sealed record Timeline(string? Contract, string? Invoice, string? Payment, string? Delivery, string? Commissioning, string? FirstProductiveUse);

internal sealed record PilotUnit(
    string Serial, string ProductId, string SiteId, string OrgId, int Order, bool FirstUnit, Timeline Timeline,
    double CalendarHours, double ObservedHours, double Coverage, Reliability Reliability);

internal sealed record ParetoEntry(string Code, int Count, bool Relevant, double CumulativeShare);

internal sealed record KpiResult(string Kpi, string Unit, string Direction, decimal Spec, int Samples, double? Median, double? P5, double? P95, bool? Meets);

internal sealed record DocumentCheck(string Document, bool Present, string? SignedOn, string? Sha256);

internal sealed record PilotGroup(
    string ProductId, string SiteId, string OrgId, string PilotProgramme, int Units, int FirstUnits, double CalendarHours, double ObservedHours,
    double Coverage, Reliability Reliability, IReadOnlyList<ParetoEntry> FaultPareto, IReadOnlyList<KpiResult> Kpis,
    IReadOnlyList<DocumentCheck> Documents, bool RelatedParty, IReadOnlyList<string> Programmes, bool TwoProgrammes);

// ---- compute voucher

internal sealed record ComputeVoucherReport(ReportHeader Header, IReadOnlyList<EnterpriseVoucher> Enterprises, IReadOnlyList<ReportException> Exceptions);

internal sealed record ContractVoucher(
    string ContractId, string Provider, string Category, string Programme, decimal IncurredCny, decimal? CityRate, decimal? NationalRate,
    decimal CityCny, decimal NationalCny, bool Eligible, long InvoicedCalls, long RecordedCalls, long VarianceCalls, double? VarianceShare);

internal sealed record OnDeviceInference(string Model, long Calls, string Eligibility);

internal sealed record EnterpriseVoucher(
    string EnterpriseId, string Name, IReadOnlyList<ContractVoucher> Contracts, decimal CityBeforeCapCny, decimal CityCapCny, decimal CityCny,
    bool CityCapBinding, decimal NationalCny, decimal TotalCny, IReadOnlyList<OnDeviceInference> OnDevice);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(SalesAwardReport))]
[JsonSerializable(typeof(PilotReport))]
[JsonSerializable(typeof(ComputeVoucherReport))]
[JsonSerializable(typeof(string))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;
