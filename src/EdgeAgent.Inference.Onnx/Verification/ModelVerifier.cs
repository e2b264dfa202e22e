using EdgeAgent.Contracts.Catalog;
using EdgeAgent.Core.Catalog;
using EdgeAgent.Inference.Onnx.Signatures;

namespace EdgeAgent.Inference.Onnx.Verification;

/// <summary>
/// The check a model passes before it is put into service: every file hashes to its pin, then the tensors the
/// file declares match the catalog entry. Returns one sentence per problem; empty means verified.
/// </summary>
public static class ModelVerifier
{
    public static async Task<IReadOnlyList<string>> VerifyAsync(ModelCache cache, ModelEntry entry, CancellationToken ct)
    {
        var problems = new List<string>();
        foreach (var s in await cache.CheckAsync(entry, ct).ConfigureAwait(false))
        {
            switch (s.State)
            {
                case CachedFileState.Missing:
                    problems.Add($"{s.File.Role} not fetched ({s.File.LocalPath}); run 'edgeagent models fetch --model {entry.Name}'");
                    break;
                case CachedFileState.Corrupt:
                    problems.Add($"{s.File.Role} {s.File.LocalPath} has sha256 {s.ActualSha256}; the catalog pins {s.File.Sha256}");
                    break;
            }
        }

        if (problems.Count > 0)
        {
            return problems;
        }

        var (inputs, outputs) = OnnxSignatureReader.Read(cache.FilesOf(entry)[0].LocalPath);
        problems.AddRange(SignatureCheck.Compare("input", entry.Inputs, inputs));
        problems.AddRange(SignatureCheck.Compare("output", entry.Outputs, outputs));
        return problems;
    }
}
