using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using EdgeAgent.Sim.Records;

namespace EdgeAgent.Sim.Fleet;

/// <summary>One provisioned virtual device: its serial and product (its key is in the fleet directory).</summary>
internal sealed record FleetMember(string Serial, string Product);

/// <summary>
/// A provisioned fleet on disk: <c>fleet.json</c> (serial and product of every device, in order),
/// <c>private/{serial}.pem</c> (each device's P-256 key, owner-only) and <c>keys/{product}/{serial}.pub.pem</c>, one
/// directory per product, for <c>edgehub devices enroll --product P --key-dir DIR/keys/P</c>.
/// </summary>
internal static class FleetDirectory
{
    private static readonly Dictionary<string, string> Prefixes = new(StringComparer.Ordinal)
    {
        ["smart-glasses"] = "GL",
        ["inspection-drone"] = "DR",
        ["service-robot"] = "RB",
    };

    /// <summary>Makes <paramref name="devices"/> keys, products taken in turn from <paramref name="products"/>.</summary>
    public static IReadOnlyList<FleetMember> Provision(string dir, int devices, IReadOnlyList<string> products, string prefix)
    {
        Directory.CreateDirectory(Path.Combine(dir, "private"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var members = new List<FleetMember>(devices);
        var numbers = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < devices; i++)
        {
            var product = products[i % products.Count];
            var n = numbers[product] = numbers.GetValueOrDefault(product) + 1;
            var serial = string.Create(CultureInfo.InvariantCulture, $"{prefix}-{Prefixes[product]}-{n:00000}");
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var keyDir = Path.Combine(dir, "keys", product);
            Directory.CreateDirectory(keyDir);
            File.WriteAllText(Path.Combine(keyDir, serial + ".pub.pem"), key.ExportSubjectPublicKeyInfoPem());
            var privatePath = Path.Combine(dir, "private", serial + ".pem");
            using (var file = new FileStream(privatePath, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
            using (var writer = new StreamWriter(file))
            {
                writer.Write(key.ExportPkcs8PrivateKeyPem());
            }

            members.Add(new FleetMember(serial, product));
        }

        var json = new JsonObject { ["devices"] = new JsonArray([.. members.Select(m => (JsonNode)new JsonObject { ["serial"] = m.Serial, ["product"] = m.Product })]) };
        File.WriteAllText(Path.Combine(dir, "fleet.json"), json.ToJsonString());
        return members;
    }

    /// <summary>The fleet's members in order.</summary>
    /// <exception cref="InvalidDataException">No fleet.json, or it names an unknown product.</exception>
    public static IReadOnlyList<FleetMember> Read(string dir)
    {
        var path = Path.Combine(dir, "fleet.json");
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"{dir} holds no fleet.json: run `edgesim provision --dir {dir} --devices N` first");
        }

        var members = JsonNode.Parse(File.ReadAllText(path))!["devices"]!.AsArray()
            .Select(d => new FleetMember(d!["serial"]!.GetValue<string>(), d["product"]!.GetValue<string>())).ToList();
        foreach (var m in members.Where(m => !ProductMix.Known.ContainsKey(m.Product)))
        {
            throw new InvalidDataException($"{path}: device {m.Serial} has unknown product '{m.Product}'");
        }

        return members;
    }

    public static ECDsa Key(string dir, string serial)
    {
        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(Path.Combine(dir, "private", serial + ".pem")));
        return key;
    }

    public static string KeyDirectory(string dir, string product) => Path.Combine(dir, "keys", product);
}
