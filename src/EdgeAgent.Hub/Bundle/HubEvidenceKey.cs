using System.Security.Cryptography;
using EdgeAgent.Contracts.Records;

namespace EdgeAgent.Hub.Bundle;

/// <summary>
/// The hub's evidence-signing key (ECDSA P-256): it signs each evidence bundle's manifest, vouching for what only the
/// hub knows (the enrolled keys, the imports, the report). Kept next to the database as
/// <c>{database}.evidence-key.pem</c>, owner-only, created once; its public half goes into every bundle, and an
/// auditor pins it (<c>edgehub verify --hub-key</c>) from a copy obtained out of band.
/// </summary>
internal static class HubEvidenceKey
{
    public static string PathFor(string databasePath) => Path.GetFullPath(databasePath) + ".evidence-key.pem";

    /// <summary>Loads the key beside <paramref name="databasePath"/>, creating it owner-only on first use.</summary>
    /// <exception cref="InvalidOperationException">The key file is readable by others or is not a P-256 private key.</exception>
    public static ECDsa LoadOrCreate(string databasePath) => Identity.PemFiles.LoadOrCreateKey(PathFor(databasePath), "the hub's evidence key");

    public static string KeyId(ECDsa key) => Checkpoint.KeyIdOf(key);
}
