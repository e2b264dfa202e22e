using System.Text.Json.Serialization;

namespace EdgeAgent.Contracts.Records;

/// <summary>Source-generated JSON for records, batches and acknowledgements. Unknown fields are refused.</summary>
[JsonSourceGenerationOptions(UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, RespectNullableAnnotations = true)]
[JsonSerializable(typeof(EvidenceRecord))]
[JsonSerializable(typeof(Checkpoint))]
[JsonSerializable(typeof(BatchAck))]
[JsonSerializable(typeof(Tombstone))]
[JsonSerializable(typeof(ClockSyncRequest))]
[JsonSerializable(typeof(ClockSyncReply))]
internal sealed partial class RecordJsonContext : JsonSerializerContext;
