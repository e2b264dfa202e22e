using System.Text.Json;
using EdgeAgent.Hub.Registry;

namespace EdgeAgent.Hub.Policy;

/// <summary>A profile that cannot be used; <see cref="Exception.Message"/> names the file and the field and what is allowed.</summary>
internal sealed class PolicyException(string message) : Exception(message);

/// <summary>
/// Finds and reads a policy profile: <c>--profile ID</c> is <c>policies/ID.json</c> in the working directory, else beside
/// edgehub; a value ending in <c>.json</c> is a path. Every field is checked.
/// </summary>
internal static class PolicyLoader
{
    public const string DefaultProfile = "hz-2025-draft";

    /// <summary>The file <paramref name="profile"/> names (see the class summary).</summary>
    public static string Resolve(string profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (profile.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            return profile;
        }

        var here = Path.Combine("policies", profile + ".json");
        return File.Exists(here) ? here : Path.Combine(AppContext.BaseDirectory, "policies", profile + ".json");
    }

    /// <exception cref="PolicyException">The file is missing, is not JSON, or a field is missing or out of range.</exception>
    public static PolicyProfile Load(string profile) => LoadFile(profile).Profile;

    /// <summary>Loads a profile as <see cref="Load"/> does, with the exact bytes it was read from (an evidence bundle carries them).</summary>
    /// <exception cref="PolicyException">The file is missing, is not JSON, or a field is missing or out of range.</exception>
    public static (PolicyProfile Profile, byte[] Bytes) LoadFile(string profile)
    {
        var path = Resolve(profile);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PolicyException($"{path}: cannot read the policy profile '{profile}': {e.Message}");
        }

        var read = Parse(System.Text.Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF'), path);
        if (!profile.EndsWith(".json", StringComparison.OrdinalIgnoreCase) && read.Id != profile)
        {
            throw new PolicyException($"{path}: field id: '{read.Id}', but the file was asked for as '{profile}' (allowed: {profile})");
        }

        return (read, bytes);
    }

    /// <summary>Reads and checks a profile's text; <paramref name="path"/> names it in the errors (a file, or a bundle's entry).</summary>
    /// <exception cref="PolicyException">The text is not JSON, or a field is missing or out of range.</exception>
    public static PolicyProfile Parse(string text, string path)
    {
        ArgumentNullException.ThrowIfNull(text);
        PolicyProfile? read;
        try
        {
            read = JsonSerializer.Deserialize(text, PolicyJsonContext.Default.PolicyProfile);
        }
        catch (JsonException e)
        {
            throw new PolicyException($"{path}: line {(e.LineNumber ?? 0) + 1}: field {e.Path?.TrimStart('$', '.')}: {e.Message}");
        }

        var problems = Validate(read ?? new PolicyProfile());
        if (problems.Count > 0)
        {
            throw new PolicyException(string.Join(Environment.NewLine, problems.Select(p => $"{path}: {p}")));
        }

        return read!;
    }

    /// <summary>Every problem of <paramref name="p"/>, each naming its field and the allowed values.</summary>
    public static List<string> Validate(PolicyProfile p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var problems = new List<string>();
        void Need(bool ok, string field, string allowed)
        {
            if (!ok)
            {
                problems.Add($"field {field}: missing or out of range (allowed: {allowed})");
            }
        }

        Need(!string.IsNullOrWhiteSpace(p.Id), "id", "a non-empty id, the file's name");
        Need(!string.IsNullOrWhiteSpace(p.Version), "version", "a non-empty version");
        Need(p.Currency == "CNY", "currency", "CNY");
        Need(p.UtcOffsetMinutes is >= -720 and <= 840, "utc_offset_minutes", "-720 to 840");
        if (p.SalesAward is not { } s)
        {
            Need(false, "sales_award", "an object");
        }
        else
        {
            Need(s.Rate is > 0 and <= 1, "sales_award.rate", "a number in (0, 1]");
            Need(s.CapPerEnterpriseCny is > 0, "sales_award.cap_per_enterprise_cny", "an amount greater than 0");
            Need(s.MaxProductsPerEnterprise is >= 1, "sales_award.max_products_per_enterprise", "1 or more");
            Need(s.ReturnWindowDays is >= 0, "sales_award.return_window_days", "0 or more");
            Need(s.CountedUnitClasses is { Count: > 0 } c && c.All(ImportKinds.UnitClasses.Contains), "sales_award.counted_unit_classes", string.Join(", ", ImportKinds.UnitClasses));
            Need(s.ExcludeRelatedPartyBuyers is not null, "sales_award.exclude_related_party_buyers", "true or false");
            Need(s.CloneActivationWindowHours is >= 0, "sales_award.clone_activation_window_hours", "0 or more");
            Need(s.ActiveWindowDays is { Count: > 0 } w && w.All(d => d >= 1), "sales_award.active_window_days", "a list of day counts, each 1 or more");
        }

        if (p.Pilot is not { } pilot)
        {
            Need(false, "pilot", "an object");
        }
        else
        {
            Need(pilot.FirstUnits is >= 1, "pilot.first_units", "1 or more");
            Need(pilot.MtbfAlpha is > 0 and < 1, "pilot.mtbf_alpha", "a number in (0, 1)");
            Need(pilot.RequiredDocuments is { } d && d.All(ImportKinds.PilotDocuments.Contains), "pilot.required_documents", string.Join(", ", ImportKinds.PilotDocuments));
        }

        if (p.ComputeVoucher is not { } v)
        {
            Need(false, "compute_voucher", "an object");
        }
        else
        {
            Need(v.CityCapPerEnterpriseCny is > 0, "compute_voucher.city_cap_per_enterprise_cny", "an amount greater than 0");
            var rates = v.Rates ?? [];
            foreach (var category in ImportKinds.ComputeCategories)
            {
                Need(rates.Count(r => r.Category == category) == 1, $"compute_voucher.rates[{category}]", "exactly one entry per category: " + string.Join(", ", ImportKinds.ComputeCategories));
            }

            foreach (var (r, i) in rates.Select((r, i) => (r, i)))
            {
                Need(r.Category is { } c && ImportKinds.ComputeCategories.Contains(c), $"compute_voucher.rates[{i}].category", string.Join(", ", ImportKinds.ComputeCategories));
                foreach (var (name, rate) in new[] { ("city", r.City), ("national", r.National), ("both", r.Both) })
                {
                    Need(rate is null or (>= 0 and <= 1), $"compute_voucher.rates[{i}].{name}", "null (not eligible) or a number in [0, 1]");
                }

                Need(r.Both is null || ((r.City ?? 0) <= r.Both && (r.National ?? 0) <= r.Both), $"compute_voucher.rates[{i}].both", "null, or at least the city and the national rate");
            }
        }

        return problems;
    }
}
