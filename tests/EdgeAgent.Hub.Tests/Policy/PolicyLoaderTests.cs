using EdgeAgent.Hub.Policy;
using EdgeAgent.TestKit.IO;

namespace EdgeAgent.Hub.Tests.Policy;

public sealed class PolicyLoaderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private static string Shipped => RepositoryRoot.Combine("policies", "hz-2025-draft.json");

    [Fact]
    public void Load_ShippedDraftProfile_HasThePlansFigures()
    {
        var p = PolicyLoader.Load(Shipped);

        Assert.Equal("hz-2025-draft", p.Id);
        Assert.Equal((0.05m, 3_000_000m, 5, 7), (p.SalesAward!.Rate, p.SalesAward.CapPerEnterpriseCny, p.SalesAward.MaxProductsPerEnterprise, p.SalesAward.ReturnWindowDays));
        Assert.Equal([30, 90], p.SalesAward.ActiveWindowDays!);
        Assert.Equal(3, p.Pilot!.FirstUnits);
        Assert.Equal(8_000_000m, p.ComputeVoucher!.CityCapPerEnterpriseCny);
        var other = p.ComputeVoucher.Rates!.Single(r => r.Category == "other_compute");
        Assert.Equal((0.20m, 0.10m, 0.25m), (other.City, other.National, other.Both));
        Assert.Null(p.ComputeVoucher.Rates!.Single(r => r.Category == "data_purchase").City);
    }

    [Fact]
    public void Load_ById_FindsTheCopyBesideEdgehub()
    {
        Assert.Equal("hz-2025-draft", PolicyLoader.Load("hz-2025-draft").Id);
    }

    [Theory]
    [InlineData("\"rate\": 0.05", "\"rate\": 1.5", "field sales_award.rate: missing or out of range (allowed: a number in (0, 1])")]
    [InlineData("\"first_units\": 3,", "", "field pilot.first_units: missing or out of range (allowed: 1 or more)")]
    [InlineData("\"rate\": 0.05", "\"rat\": 0.05", "field sales_award.rat")]
    [InlineData("{ \"category\": \"other_compute\", \"city\": 0.20, \"national\": 0.10, \"both\": 0.25 },", "", "field compute_voucher.rates[other_compute]")]
    public void Load_BadField_ErrorNamesFileAndField(string find, string replace, string expected)
    {
        var path = _dir.Combine("bad.json");
        File.WriteAllText(path, File.ReadAllText(Shipped).Replace(find, replace, StringComparison.Ordinal));

        var e = Assert.Throws<PolicyException>(() => PolicyLoader.Load(path));

        Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownId_ErrorNamesTheFileLookedFor()
    {
        var e = Assert.Throws<PolicyException>(() => PolicyLoader.Load("hz-2099"));
        Assert.Contains("hz-2099.json", e.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
