using EdgeAgent.Hub.Registry;
using EdgeAgent.Hub.Tests.Support;
using EdgeAgent.TestKit.IO;

namespace EdgeAgent.Hub.Tests.Registry;

public sealed class ImportValidationTests : IDisposable
{
    private const string Invoices = "invoice_no,line,kind,issued_on,seller_id,buyer_id,product_id,serials,amount_cny,credits_invoice,reason,returned_on\n";

    private readonly TempDirectory _dir = new();

    private string Db => _dir.Combine("hub.db");

    /// <summary>Each kind of bad line, on a registry holding two enterprises, a buyer, a product each, two serials and one invoice.</summary>
    public static TheoryData<string, string, string> BadLines() => new()
    {
        { "organisations", "org_id,name,credit_code\nok,Ok Ltd,91330106MA2CFD8K9X\nx,X Ltd,1234\n", "x.csv:3: column credit_code: '1234' is not a unified social credit code" },
        { "organisations", "org_id,name,credit_code,related_to\nx,X Ltd,91330106MA2CFD8K9X,nobody\n", "x.csv:2: column related_to: no org_id 'nobody' in organisations" },
        { "organisations", "org_id,name,credit_code,related_to\nx,X Ltd,91330106MA2CFD8K9X,x\n", "x.csv:2: column related_to: an organisation cannot be a related party of itself" },
        { "products", "product_id,enterprise_id,name,category\npx,ent-z,P,robot\n", "x.csv:2: column enterprise_id: no org_id 'ent-z' in organisations" },
        { "sites", "site_id,org_id,name,region_code,pilot_programme\ns1,buyer,S,33010,prog\n", "x.csv:2: column region_code: '33010' is not a region code (allowed: six digits)" },
        { "serials", "serial,product_id,unit_class,manufactured_on\nS9,pa,gift,2025-01-01\n", "x.csv:2: column unit_class: 'gift' is not one of the allowed values (allowed: sale, demo, loaner, test, employee, refurb)" },
        { "serials", "serial,product_id,unit_class,manufactured_on\nS9,pa,sale,2025-13-01\n", "x.csv:2: column manufactured_on: '2025-13-01' is not a date (allowed: a date yyyy-MM-dd)" },
        { "serials", "serial,product_id,unit_class,manufactured_on\nS9,pa,sale,2025-01-01\nS9,pa,demo,2025-01-01\n", "x.csv:3: column serial: duplicate serial 'S9' (first on line 2)" },
        { "serials", "serial,product_id,unit_class,manufactured_on\nS1,pb,sale,2025-01-01\n", "x.csv:2: column product_id: serial 'S1' is already imported with product_id 'pa'; it cannot change" },
        { "serials", "serial,product_id,unit_class,manufactured_on\nS9,pa,,2025-01-01\n", "x.csv:2: column unit_class: required, but empty" },
        { "serials", "serial,product_id,unit_class,manufactured_on\nS9,pa,sale\n", "x.csv:2: column *: the line has 3 fields, the header 4" },
        { "serials", "serial,product_id,class,manufactured_on\nS9,pa,sale,2025-01-01\n", "x.csv:1: column class: not a column of serials" },
        { "invoices", "invoice_no,line,kind,issued_on,seller_id,buyer_id,product_id,amount_cny\nI,1,invoice,2025-01-01,ent-a,buyer,pa,1.00\n", "x.csv:1: column serials: required column missing from the header" },
        { "invoices", Invoices + "I2,1,invoice,2025-01-01,ent-a,buyer,pa,S1,12.345,,,\n", "x.csv:2: column amount_cny: '12.345' is not an amount" },
        { "invoices", Invoices + "I2,1,invoice,2025-01-01,ent-a,buyer,pa,S7,100,,,\n", "x.csv:2: column serials: serial S7 is not in the serial registry" },
        { "invoices", Invoices + "I2,1,invoice,2025-01-01,ent-a,buyer,pa,S2,100,,,\n", "x.csv:2: column serials: serial S2 is a unit of pb, not pa" },
        { "invoices", Invoices + "I2,1,invoice,2025-01-01,ent-b,buyer,pa,S1,100,,,\n", "x.csv:2: column seller_id: product pa is made by ent-a, not ent-b" },
        { "invoices", Invoices + "C1,1,credit_note,2025-02-01,ent-a,buyer,pa,S1,100,INV-1,return,2025-02-01\n", "x.csv:2: column amount_cny: a credit note line of 100.00 is not negative" },
        { "invoices", Invoices + "C1,1,credit_note,2025-02-01,ent-a,buyer,pa,S1,-100,INV-1,return,\n", "x.csv:2: column returned_on: a credit note for a return needs the date the unit came back" },
        { "invoices", Invoices + "C1,1,credit_note,2025-02-01,ent-a,buyer,pa,S1,-100,INV-9,price,\n", "x.csv:2: column credits_invoice: no invoice INV-9 in invoice_lines" },
        { "invoices", Invoices + "C1,1,credit_note,2025-02-01,ent-a,buyer,pa,S1,-100,INV-1,refund,\n", "x.csv:2: column reason: 'refund' is not one of the allowed values (allowed: return, exchange, price)" },
        { "invoices", Invoices + "INV-1,1,invoice,2025-01-10,ent-a,buyer,pa,S1,999.00,,,\n", "x.csv:2: column amount_cny: invoice_no+line 'INV-1|1' is already imported with amount_cny '1000.00'; it cannot change" },
        { "payments", "payment_id,invoice_no,paid_on,amount_cny\nP1,INV-1,2025-01-20,-5\n", "x.csv:2: column amount_cny: -5.00 is not positive" },
        { "payments", "payment_id,invoice_no,paid_on,amount_cny\nP1,INV-7,2025-01-20,5\n", "x.csv:2: column invoice_no: no invoice INV-7 in invoice_lines" },
        { "exchanges", "replacement_serial,original_serial,exchanged_on\nS2,S1,2025-02-01\n", "x.csv:2: column replacement_serial: S2 is a unit of pb, the original S1 of pa" },
        { "compute-contracts", "contract_id,enterprise_id,provider,category,programme,signed_on,amount_cny\nCC,ent-a,Cloud,gpu,city,2025-01-01,10\n", "x.csv:2: column category: 'gpu' is not one of the allowed values (allowed: model_service_filed, domestic_compute, other_compute, data_purchase)" },
        { "compute-invoices", "invoice_no,contract_id,issued_on,amount_cny,calls\nCI,CC-9,2025-01-01,10,-1\n", "x.csv:2: column calls: '-1' is not a whole number" },
        { "kpi-specs", "product_id,kpi,unit,direction,spec_value\npa,latency_ms,ms,below,50\n", "x.csv:2: column direction: 'below' is not one of the allowed values (allowed: max, min)" },
        { "pilot-documents", "site_id,product_id,document,signed_on,sha256\nnowhere,pa,contract,2025-01-01,9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n", "x.csv:2: column site_id: no site_id 'nowhere' in sites" },
    };

    [Theory]
    [MemberData(nameof(BadLines))]
    public async Task Import_BadLine_ReportedWithLineColumnAndNothingChanged(string kind, string csv, string expected)
    {
        await SeedAsync();
        var table = ImportKinds.Find(kind)!.Table;
        var before = Rows(table);

        var result = await ImportAsync(kind, csv);

        Assert.Equal(2, result.Code);
        Assert.Contains("error: " + expected, result.Error, StringComparison.Ordinal);
        Assert.Contains("nothing was imported", result.Error, StringComparison.Ordinal);
        Assert.Equal(before, Rows(table));
    }

    [Fact]
    public async Task Import_GoodLinesAndTwoBad_EveryBadLinePrintedAndNoneImported()
    {
        await SeedAsync();
        var csv = "serial,product_id,unit_class,manufactured_on\nS3,pa,sale,2025-01-01\nS4,pa,toy,2025-01-01\nS5,pa,sale,2025-01-01\nS6,pz,sale,2025-01-01\n";

        var result = await ImportAsync("serials", csv);

        Assert.Equal(2, result.Code);
        Assert.Contains("x.csv:3: column unit_class", result.Error, StringComparison.Ordinal);
        Assert.Contains("x.csv:5: column product_id: no product_id 'pz'", result.Error, StringComparison.Ordinal);
        Assert.Equal(2, Rows("serials").Count);
    }

    [Fact]
    public async Task Import_SameFileTwiceThenChangedClass_AddedUnchangedUpdated()
    {
        await SeedAsync();
        var csv = "serial,product_id,unit_class,manufactured_on\nS3,pa,demo,2025-01-01\n";

        var first = await ImportAsync("serials", csv);
        var again = await ImportAsync("serials", csv);
        var changed = await ImportAsync("serials", csv.Replace("demo", "refurb", StringComparison.Ordinal));

        Assert.Contains("1 added, 0 updated, 0 unchanged (3 rows now)", first.Output, StringComparison.Ordinal);
        Assert.Contains("0 added, 0 updated, 1 unchanged", again.Output, StringComparison.Ordinal);
        Assert.Contains("0 added, 1 updated, 0 unchanged", changed.Output, StringComparison.Ordinal);
        Assert.Contains(Rows("serials"), r => r["serial"] == "S3" && r["unit_class"] == "refurb");
    }

    [Fact]
    public async Task Import_CreditNoteInSameFileAsItsInvoice_Accepted()
    {
        await SeedAsync();
        var csv = Invoices + "I2,1,invoice,2025-03-01,ent-a,buyer,pa,S1,500,,,\nC2,1,credit_note,2025-03-05,ent-a,buyer,pa,S1,-500,I2,return,2025-03-04\n";

        var result = await ImportAsync("invoices", csv);

        Assert.True(result.Code == 0, result.Error);
        Assert.Equal(3, Rows("invoice_lines").Count);
    }

    [Fact]
    public async Task Import_MissingFile_Exit2NamingIt()
    {
        var result = await HubCliRunner.RunAsync("import", "serials", _dir.Combine("none.csv"), "--db", Db);

        Assert.Equal(2, result.Code);
        Assert.Contains("none.csv", result.Error, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    private async Task SeedAsync()
    {
        foreach (var (kind, csv) in new[]
        {
            ("organisations", "org_id,name,credit_code,related_to\nent-a,A Ltd,91330106MA2CFD8K1X,\nent-b,B Ltd,91330106MA2CFD8K2X,\nbuyer,Buyer Ltd,91330106MA2CFD8K3X,\n"),
            ("products", "product_id,enterprise_id,name,category\npa,ent-a,PA,smart_glasses\npb,ent-b,PB,drone\n"),
            ("serials", "serial,product_id,unit_class,manufactured_on\nS1,pa,sale,2025-01-01\nS2,pb,sale,2025-01-01\n"),
            ("invoices", Invoices + "INV-1,1,invoice,2025-01-10,ent-a,buyer,pa,S1,1000,,,\n"),
        })
        {
            var result = await ImportAsync(kind, csv);
            Assert.True(result.Code == 0, result.Error);
        }
    }

    private async Task<(int Code, string Output, string Error)> ImportAsync(string kind, string csv)
    {
        File.WriteAllText(_dir.Combine("x.csv"), csv);
        var result = await HubCliRunner.RunAsync("import", kind, _dir.Combine("x.csv"), "--db", Db);
        return (result.Code, result.Output.Replace(_dir.Path + "/", "", StringComparison.Ordinal), result.Error.Replace(_dir.Path + "/", "", StringComparison.Ordinal));
    }

    private List<Dictionary<string, string?>> Rows(string table)
    {
        using var connection = RegistryDatabase.Open(Db);
        return RegistryDatabase.ReadTable(connection, table);
    }
}
