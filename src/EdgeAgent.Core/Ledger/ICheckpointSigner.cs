using EdgeAgent.Contracts.Records;

namespace EdgeAgent.Core.Ledger;

/// <summary>Signs the head of this device's chain with the device key (the publisher signs every batch's last entry).</summary>
public interface ICheckpointSigner
{
    string DeviceId { get; }

    string ProductId { get; }

    Checkpoint Sign(long seq, string hash);
}
