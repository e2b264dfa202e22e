using System.Security.Cryptography;
using EdgeAgent.Hub.Policy;
using EdgeAgent.Hub.Registry;
using EdgeAgent.Hub.Reports;
using EdgeAgent.Hub.Store;

namespace EdgeAgent.Hub.Bundle;

/// <summary>
/// <c>edgehub export evidence</c>'s work: from one read snapshot of the hub's database, the product's device chains
/// (<see cref="BundleWriter"/>), every registry table as import CSV, the policy profile's bytes, and the three reports
/// for the year and product computed from exactly those devices and tables (<see cref="EvidenceAssembly"/>,
/// <see cref="BundleReports"/>), so that <c>edgehub verify</c> can recompute every figure from the bundle alone.
/// </summary>
internal static class EvidenceExport
{
    public static BundleSummary Write(
        HubStore store, string productId, int year, PolicyProfile profile, byte[] profileBytes, ECDsa hubKey, DateTimeOffset createdAt, string path,
        IProgress<(int Done, int Total)>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(profileBytes);
        var created = DateTimeOffset.FromUnixTimeMilliseconds(createdAt.ToUnixTimeMilliseconds()); // the manifest's precision
        store.BeginRead();
        try
        {
            var tables = EvidenceReader.ReadTables(store);
            var inputs = EvidenceAssembly.Assemble(tables, EvidenceReader.ReadDevices(store, productId));
            var attachments = new List<BundleAttachment>();
            foreach (var kind in ImportKinds.All)
            {
                attachments.Add(new BundleAttachment(BundleLayout.Input(kind.Table), RegistryCsv.Write(kind, tables[kind.Table]), LineDigests: true));
            }

            attachments.Add(new BundleAttachment(BundleLayout.Profile, profileBytes, LineDigests: true));
            attachments.AddRange(BundleReports.Compute(inputs, profile, year, productId, created).Select(r => new BundleAttachment(r.Path, r.Content, LineDigests: false)));
            return BundleWriter.Write(store, productId, year, hubKey, created, attachments, path, progress);
        }
        finally
        {
            store.EndRead();
        }
    }
}
