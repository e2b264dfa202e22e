using System.Globalization;
using System.Security.Cryptography;
using EdgeAgent.Contracts.Catalog;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Contracts.Releases;
using EdgeAgent.Hub.Store;

namespace EdgeAgent.Hub.Releases;

/// <summary>A published release as stored: its identity, artifact, signing key and the signed <c>release.json</c> bytes.</summary>
internal sealed record ReleaseRow(string Name, string Version, string Sha256, long Size, string KeyId, byte[] ReleaseJson, long PublishedAtMs)
{
    public SignedRelease Signed => SignedRelease.Parse(ReleaseJson);

    /// <summary>The manifest inside the stored release (the hub wrote it, so it reads).</summary>
    public ReleaseManifest Manifest => Signed.ReadManifest(out var error) ?? throw new InvalidOperationException($"release {Name} {Version}: {error}");
}

/// <summary>A release key the hub knows: first used to publish at <see cref="AddedAtMs"/>, revoked at the hub or not.</summary>
internal sealed record ReleaseKeyRow(string KeyId, string? PublicKeyPem, long AddedAtMs, long? RevokedAtMs, string? RevokedReason);

/// <summary>What <c>edgehub models publish</c> was asked.</summary>
internal sealed record PublishRequest(string Name, string Version, string ModelFile, string EntryFile, string KeyFile, IReadOnlyList<string> Boards, string AgentMin = "0.0.0", string? AgentBelow = null);

/// <summary>The outcome of a publish: the release, and whether it was there already (identical; nothing changed).</summary>
internal sealed record PublishResult(ReleaseRow Release, bool AlreadyPublished);

/// <summary>
/// The model release registry: publishes (checks the inputs, stores the artifact by hash, signs and stores the release),
/// lists and finds releases, and keeps which release keys are revoked at the hub.
/// </summary>
internal sealed class ReleaseRegistry
{
    private readonly HubStore _store;
    private readonly ArtifactStore _artifacts;
    private readonly TimeProvider _time;

    public ReleaseRegistry(HubStore store, ArtifactStore artifacts, TimeProvider time)
    {
        _store = store;
        _artifacts = artifacts;
        _time = time;
    }

    /// <summary>
    /// Publishes a release. The entry file holds one catalog entry (<see cref="ModelEntry"/>); its <c>sha256</c> is
    /// required and must be the model file's (never filled in: the entry pins the bytes it describes); its
    /// <c>selfTest</c> file, relative to the entry file, must have expected outputs. The same name and version again is a
    /// no-op when the release is identical (same artifact and manifest), an error otherwise.
    /// </summary>
    /// <exception cref="ReleaseException">An input is refused; the message names the file, field or option.</exception>
    public PublishResult Publish(PublishRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!RecordCodec.IsValidId(request.Name))
        {
            throw new ReleaseException($"--name '{request.Name}' must be 1-64 of A-Z a-z 0-9 . _ -");
        }

        if (!ReleaseVersion.TryParse(request.Version, out _))
        {
            throw new ReleaseException($"--version '{request.Version}' must be MAJOR.MINOR.PATCH (e.g. 2.1.0), optionally with -prerelease or +build");
        }

        foreach (var board in request.Boards.Where(b => !RecordCodec.IsValidId(b)))
        {
            throw new ReleaseException($"--boards: '{board}' must be 1-64 of A-Z a-z 0-9 . _ -");
        }

        if (!ReleaseVersion.TryParse(request.AgentMin, out var min))
        {
            throw new ReleaseException($"--agent-min '{request.AgentMin}' must be MAJOR.MINOR.PATCH");
        }

        if (request.AgentBelow is { } below && (!ReleaseVersion.TryParse(below, out var max) || max <= min))
        {
            throw new ReleaseException($"--agent-below '{below}' must be MAJOR.MINOR.PATCH above --agent-min {request.AgentMin}");
        }

        using var key = ReleaseKeys.LoadPrivate(request.KeyFile);
        var keyId = Checkpoint.KeyIdOf(key);
        if (FindKey(keyId) is { RevokedAtMs: not null } revoked)
        {
            throw new ReleaseException($"--key {request.KeyFile}: release key {keyId} was revoked at the hub ({revoked.RevokedReason}); sign with a current key");
        }

        var entryFile = Path.GetFullPath(request.EntryFile);
        var entry = ReadEntry(entryFile);
        if (entry.Name != request.Name)
        {
            throw new ReleaseException($"{entryFile}: $.name: '{entry.Name}' is not --name '{request.Name}'");
        }

        if (entry.SelfTestFile is null)
        {
            throw new ReleaseException($"{entryFile}: $.selfTest: is missing; a release needs a self-test vector file (relative to the entry file) with expected outputs");
        }

        var selfTestFile = Path.Combine(Path.GetDirectoryName(entryFile)!, entry.SelfTestFile);
        SelfTestVector selfTest;
        try
        {
            selfTest = CatalogReader.LoadSelfTest(selfTestFile, entry);
        }
        catch (CatalogException e)
        {
            throw new ReleaseException(e.Message, e);
        }

        if (selfTest.Expected.Count == 0)
        {
            throw new ReleaseException($"{selfTestFile}: $.expected: is empty; record the outputs the model must give with: edgeagent models selftest --write");
        }

        var modelFile = Path.GetFullPath(request.ModelFile);
        string sha;
        long size;
        try
        {
            (sha, size) = ArtifactStore.Hash(modelFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ReleaseException($"--file {modelFile}: cannot be read: {e.Message}", e);
        }

        if (size == 0)
        {
            throw new ReleaseException($"--file {modelFile}: is empty");
        }

        if (sha != entry.Sha256)
        {
            throw new ReleaseException($"--file {modelFile}: its SHA-256 is {sha}, but {entryFile}: $.sha256 says {entry.Sha256}");
        }

        var now = _time.GetUtcNow();
        var manifest = new ReleaseManifest
        {
            Name = request.Name,
            Version = request.Version,
            Sha256 = sha,
            Size = size,
            Entry = entry with { SelfTestFile = null }, // the vector itself travels in selfTest; a path of the publisher's disk means nothing to a device
            SelfTest = selfTest,
            Boards = [.. request.Boards.Distinct(StringComparer.Ordinal)],
            AgentMin = request.AgentMin,
            AgentBelow = request.AgentBelow,
            Published = now.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        };
        if (manifest.Problems() is { Count: > 0 } problems)
        {
            throw new ReleaseException($"{entryFile}: the release manifest is not valid: {string.Join("; ", problems)}");
        }

        if (Find(request.Name, request.Version) is { } existing)
        {
            var stored = existing.Manifest;
            if (stored.Sha256 != sha)
            {
                throw new ReleaseException($"release {request.Name} {request.Version} is already published with other bytes (sha256 {stored.Sha256}, {stored.Size} bytes; this file is {sha}); publish a new version");
            }

            // Identical when the manifest is byte for byte the stored one but for the publication time.
            var again = SignedRelease.Sign(manifest with { Published = stored.Published }, key);
            if (again.Manifest != existing.Signed.Manifest)
            {
                throw new ReleaseException($"release {request.Name} {request.Version} is already published with the same artifact but another manifest (entry, self-test, boards or agent range differ); publish a new version");
            }

            return new PublishResult(existing, AlreadyPublished: true);
        }

        var signed = SignedRelease.Sign(manifest, key);
        try
        {
            _ = _artifacts.Put(modelFile, sha);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ReleaseException($"the artifact store {_artifacts.Root}: {e.Message}", e);
        }

        var row = new ReleaseRow(request.Name, request.Version, sha, size, keyId, signed.ToJson(), now.ToUnixTimeMilliseconds());
        _store.BeginWrite();
        try
        {
            using (var cmd = _store.Command("INSERT INTO release_keys (key_id, public_key_pem, added_at_ms) VALUES ($k, $p, $t) ON CONFLICT(key_id) DO UPDATE SET public_key_pem = COALESCE(public_key_pem, $p)"))
            {
                cmd.Parameters.AddWithValue("$k", keyId);
                cmd.Parameters.AddWithValue("$p", key.ExportSubjectPublicKeyInfoPem());
                cmd.Parameters.AddWithValue("$t", row.PublishedAtMs);
                cmd.ExecuteNonQuery();
            }

            using (var cmd = _store.Command("INSERT INTO releases (name, version, sha256, size, key_id, release_json, published_at_ms) VALUES ($n, $v, $s, $z, $k, $j, $t)"))
            {
                cmd.Parameters.AddWithValue("$n", row.Name);
                cmd.Parameters.AddWithValue("$v", row.Version);
                cmd.Parameters.AddWithValue("$s", row.Sha256);
                cmd.Parameters.AddWithValue("$z", row.Size);
                cmd.Parameters.AddWithValue("$k", row.KeyId);
                cmd.Parameters.AddWithValue("$j", row.ReleaseJson);
                cmd.Parameters.AddWithValue("$t", row.PublishedAtMs);
                cmd.ExecuteNonQuery();
            }

            _store.CommitWrite();
        }
        catch
        {
            _store.RollbackWrite();
            throw;
        }

        return new PublishResult(row, AlreadyPublished: false);
    }

    public IReadOnlyList<ReleaseRow> List(string? name = null)
    {
        var filter = name is null ? "" : " WHERE name = $n";
        using var cmd = _store.Command($"SELECT name, version, sha256, size, key_id, release_json, published_at_ms FROM releases{filter} ORDER BY name, published_at_ms, version");
        if (name is not null)
        {
            cmd.Parameters.AddWithValue("$n", name);
        }

        return Read(cmd);
    }

    public ReleaseRow? Find(string name, string version)
    {
        using var cmd = _store.Command("SELECT name, version, sha256, size, key_id, release_json, published_at_ms FROM releases WHERE name = $n AND version = $v");
        cmd.Parameters.AddWithValue("$n", name);
        cmd.Parameters.AddWithValue("$v", version);
        return Read(cmd) is [var row] ? row : null;
    }

    public ReleaseKeyRow? FindKey(string keyId) => Keys().FirstOrDefault(k => k.KeyId == keyId);

    public IReadOnlyList<ReleaseKeyRow> Keys()
    {
        using var cmd = _store.Command("SELECT key_id, public_key_pem, added_at_ms, revoked_at_ms, revoked_reason FROM release_keys ORDER BY added_at_ms, key_id");
        using var r = cmd.ExecuteReader();
        var list = new List<ReleaseKeyRow>();
        while (r.Read())
        {
            list.Add(new ReleaseKeyRow(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetInt64(2), r.IsDBNull(3) ? null : r.GetInt64(3), r.IsDBNull(4) ? null : r.GetString(4)));
        }

        return list;
    }

    /// <summary>Marks a key revoked at the hub (it may never have signed here); false when it was revoked already.</summary>
    /// <exception cref="ReleaseException">The id is not 16 lower-case hex digits.</exception>
    public bool RevokeKey(string keyId, string reason)
    {
        if (keyId is not { Length: 16 } || !keyId.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f')))
        {
            throw new ReleaseException($"--id '{keyId}': a release key id is 16 lower-case hex digits (edgehub models keygen and models list print it)");
        }

        using var cmd = _store.Command("""
            INSERT INTO release_keys (key_id, added_at_ms, revoked_at_ms, revoked_reason) VALUES ($k, $t, $t, $r)
            ON CONFLICT(key_id) DO UPDATE SET revoked_at_ms = $t, revoked_reason = $r WHERE revoked_at_ms IS NULL
            """);
        cmd.Parameters.AddWithValue("$k", keyId);
        cmd.Parameters.AddWithValue("$t", _time.GetUtcNow().ToUnixTimeMilliseconds());
        cmd.Parameters.AddWithValue("$r", reason);
        return cmd.ExecuteNonQuery() == 1;
    }

    /// <summary>
    /// Reads one catalog entry with the catalog's own validation (wrapped as a one-model catalog), reporting fields as
    /// paths in the entry file (<c>$.sha256</c>), not in the wrapper.
    /// </summary>
    private static ModelEntry ReadEntry(string entryFile)
    {
        string json;
        try
        {
            json = File.ReadAllText(entryFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ReleaseException($"--entry {entryFile}: cannot be read: {e.Message}", e);
        }

        try
        {
            var models = CatalogReader.Parse($"{{\"schema\": {ModelCatalog.CurrentSchema}, \"models\": [\n{json}\n]}}", entryFile).Models;
            return models.Count == 1 ? models[0] : throw new ReleaseException($"{entryFile}: (document): holds {models.Count} catalog entries; expected exactly one object");
        }
        catch (CatalogException e)
        {
            throw new ReleaseException(e.Message.Replace("$.models[0]", "$", StringComparison.Ordinal).Replace("$.models", "(document)", StringComparison.Ordinal), e);
        }
    }

    private static List<ReleaseRow> Read(Microsoft.Data.Sqlite.SqliteCommand cmd)
    {
        using var r = cmd.ExecuteReader();
        var list = new List<ReleaseRow>();
        while (r.Read())
        {
            list.Add(new ReleaseRow(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetString(4), (byte[])r[5], r.GetInt64(6)));
        }

        return list;
    }
}
