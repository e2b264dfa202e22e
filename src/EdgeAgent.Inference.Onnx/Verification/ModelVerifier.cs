using EdgeAgent.Contracts.Catalog;
using EdgeAgent.Core.Catalog;
using EdgeAgent.Core.Inference;
using EdgeAgent.Inference.Onnx.Sessions;

namespace EdgeAgent.Inference.Onnx.Verification;

/// <summary>
/// The check a model passes before it is put into service, as a report rather than an exception: every file hashes
/// to its pin, the tensors the file declares match the catalog entry, ONNX Runtime loads it, and its self-test (if the
/// entry has one) gives the recorded outputs. Returns one sentence per problem; empty means verified.
/// </summary>
public static class ModelVerifier
{
    public static async Task<IReadOnlyList<string>> VerifyAsync(
        ModelCache cache, ModelEntry entry, CancellationToken ct, OnnxModelLoader? loader = null)
    {
        try
        {
            using var session = await (loader ?? new OnnxModelLoader(new OnnxRuntimeOptions())).LoadAsync(cache, entry, ct).ConfigureAwait(false);
            return [];
        }
        catch (ModelRefusedException e)
        {
            return e.Problems;
        }
    }
}
