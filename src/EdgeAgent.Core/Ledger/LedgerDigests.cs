using System.Security.Cryptography;
using System.Text;

namespace EdgeAgent.Core.Ledger;

/// <summary>
/// The digests every record carries: the active model set (<c>model</c>), the agent build (<c>fw</c>) and the
/// configuration (<c>config</c>); each 64 lower-case hex digits (SHA-256).
/// </summary>
public sealed record LedgerDigests
{
    private static readonly System.Buffers.SearchValues<char> LowerHex = System.Buffers.SearchValues.Create("0123456789abcdef");

    public LedgerDigests(string model, string agent, string config)
    {
        Model = Check(model, nameof(model));
        Agent = Check(agent, nameof(agent));
        Config = Check(config, nameof(config));
    }

    public string Model { get; }

    public string Agent { get; }

    public string Config { get; }

    /// <summary>SHA-256 of a file's bytes (the agent's own assembly or binary, for <see cref="Agent"/>).</summary>
    public static async Task<string> OfFileAsync(string path, CancellationToken cancellationToken)
    {
        var stream = File.OpenRead(path);
        await using (stream.ConfigureAwait(false))
        {
            return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
        }
    }

    /// <summary>
    /// The digest of a model set: SHA-256 of the models' own SHA-256 hashes, lower-cased, de-duplicated, sorted
    /// ordinally and joined with "\n" (so the same set in any order gives the same digest; the empty set is SHA-256 of "").
    /// </summary>
    public static string OfModels(IEnumerable<string> modelHashes)
    {
        ArgumentNullException.ThrowIfNull(modelHashes);
        var sorted = modelHashes.Select(h => Check(h.ToLowerInvariant(), nameof(modelHashes))).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', sorted))));
    }

    /// <summary>SHA-256 of the configuration's JSON text as UTF-8, exactly as given (the effective configuration the root serialised).</summary>
    public static string OfConfig(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
    }

    internal static string Check(string digest, string name)
    {
        ArgumentNullException.ThrowIfNull(digest, name);
        if (digest.Length != 64 || digest.AsSpan().ContainsAnyExcept(LowerHex))
        {
            throw new ArgumentException($"{name} digest '{digest}' must be a SHA-256 digest (64 lower-case hex digits)", name);
        }

        return digest;
    }
}
