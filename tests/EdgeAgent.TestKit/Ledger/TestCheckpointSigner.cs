using System.Security.Cryptography;
using EdgeAgent.Contracts.Records;
using EdgeAgent.Core.Ledger;

namespace EdgeAgent.TestKit.Ledger;

/// <summary>Signs checkpoints with a real, fresh ECDSA P-256 key; <see cref="PublicKey"/> verifies them.</summary>
public sealed class TestCheckpointSigner(string deviceId, string productId) : ICheckpointSigner, IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public string DeviceId { get; } = deviceId;

    public string ProductId { get; } = productId;

    /// <summary>A verifier holding only the public half.</summary>
    public ECDsa PublicKey()
    {
        var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(_key.ExportSubjectPublicKeyInfo(), out _);
        return key;
    }

    public Checkpoint Sign(long seq, string hash) => Checkpoint.Sign(_key, DeviceId, seq, hash);

    public void Dispose() => _key.Dispose();
}
