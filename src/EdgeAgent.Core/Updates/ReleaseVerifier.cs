using System.Globalization;
using System.Text.Json;
using EdgeAgent.Contracts.Catalog;
using EdgeAgent.Contracts.Releases;

namespace EdgeAgent.Core.Updates;

/// <summary>Why a release is not installed: a stable code (<see cref="UpdateFailures"/> or <see cref="ReleaseRefusals"/>) and a sentence.</summary>
public sealed record UpdateRefusal(string Code, string Detail);

/// <summary>
/// The checks a downloaded release passes before it is staged, in order, the first failing one refusing it:
/// <list type="number">
/// <item>the signed <c>release.json</c> parses (<c>release.malformed</c>);</item>
/// <item>its signature is by a trusted, unrevoked release key and the manifest is well formed
/// (<see cref="ReleaseTrust.Check"/>: <c>key.revoked</c>, <c>key.untrusted</c>, <c>signature.bad</c>, <c>release.schema</c>,
/// <c>release.malformed</c>);</item>
/// <item>the manifest is the release the directive names: name, version, hash and size (<c>release.mismatch</c>);</item>
/// <item>the artifact's size and SHA-256 are the manifest's (<c>hash.mismatch</c>);</item>
/// <item>it runs on this board and agent version (<c>release.incompatible</c>);</item>
/// <item>its tensors fit the pipeline that runs the model now (<see cref="SignatureProblems"/>: <c>release.incompatible</c>).</item>
/// </list>
/// The ONNX file's own declared tensors against the manifest entry are checked after these by the host
/// (<c>release.mismatch</c>), and the self-test at staging (<c>selftest.failed</c>).
/// </summary>
public static class ReleaseVerifier
{
    public static async Task<(ReleaseManifest? Manifest, UpdateRefusal? Refusal)> VerifyAsync(
        ModelDirective directive, string releaseFile, string artifactFile, ReleaseTrust trust, string board, string agentVersion, ModelEntry? serving, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(directive);
        ArgumentNullException.ThrowIfNull(trust);
        SignedRelease release;
        try
        {
            release = SignedRelease.Parse(await File.ReadAllBytesAsync(releaseFile, cancellationToken).ConfigureAwait(false));
        }
        catch (JsonException e)
        {
            return Refuse(ReleaseRefusals.Malformed, $"release.json is not a signed release: {e.Message}");
        }

        var check = trust.Check(release);
        if (check.Manifest is not { } manifest)
        {
            return Refuse(check.Refusal!, check.Reason!);
        }

        if (manifest.Name != directive.Name || manifest.Version != directive.Version || manifest.Sha256 != directive.Sha256 || manifest.Size != directive.Size)
        {
            return Refuse(ReleaseRefusals.Mismatch, $"the signed manifest is {manifest.Name} {manifest.Version} ({manifest.Sha256}, {manifest.Size} bytes); the directive names {directive.Name} {directive.Version} ({directive.Sha256}, {directive.Size} bytes)");
        }

        var size = new FileInfo(artifactFile).Length;
        if (size != manifest.Size)
        {
            return Refuse(UpdateFailures.HashMismatch, string.Create(CultureInfo.InvariantCulture, $"the artifact has {size} bytes; the signed manifest gives {manifest.Size}"));
        }

        var actual = await Catalog.ModelCache.Sha256OfFileAsync(artifactFile, cancellationToken).ConfigureAwait(false);

        if (actual != manifest.Sha256)
        {
            return Refuse(UpdateFailures.HashMismatch, $"the artifact has sha256 {actual}; the signed manifest gives {manifest.Sha256}");
        }

        if (manifest.IncompatibilityWith(board, agentVersion) is { } incompatible)
        {
            return Refuse(UpdateFailures.Incompatible, incompatible);
        }

        if (serving is null)
        {
            return Refuse(UpdateFailures.Incompatible, $"no pipeline of this agent runs model {manifest.Name}");
        }

        if (SignatureProblems(serving, manifest.Entry) is { Count: > 0 } problems)
        {
            return Refuse(UpdateFailures.Incompatible, $"release {manifest.Name} {manifest.Version} does not fit the running pipeline: {string.Join("; ", problems)}");
        }

        return (manifest, null);

        static (ReleaseManifest?, UpdateRefusal?) Refuse(string code, string detail) => (null, new UpdateRefusal(code, detail));
    }

    /// <summary>
    /// How the candidate's tensors differ from what the running pipeline feeds and reads: the same input and output names
    /// in the same order with the same element types and ranks; an input dimension must be the running one or free (the
    /// candidate accepts at least what the pipeline feeds), an output dimension the running one, or any where the running
    /// one is free (the pipeline reads at most what it read). Empty when compatible.
    /// </summary>
    public static IReadOnlyList<string> SignatureProblems(ModelEntry running, ModelEntry candidate)
    {
        ArgumentNullException.ThrowIfNull(running);
        ArgumentNullException.ThrowIfNull(candidate);
        var problems = new List<string>();
        Compare("input", running.Inputs, candidate.Inputs, (run, cand) => cand == run || cand < 0);
        Compare("output", running.Outputs, candidate.Outputs, (run, cand) => cand == run || run < 0);
        return problems;

        void Compare(string direction, IReadOnlyList<TensorSpec> run, IReadOnlyList<TensorSpec> cand, Func<long, long, bool> fits)
        {
            if (run.Count != cand.Count || !run.Select(t => t.Name).SequenceEqual(cand.Select(t => t.Name), StringComparer.Ordinal))
            {
                problems.Add($"{direction}s are {Names(cand)}; the pipeline uses {Names(run)}");
                return;
            }

            for (var i = 0; i < run.Count; i++)
            {
                var (r, c) = (run[i], cand[i]);
                if (r.Type != c.Type)
                {
                    problems.Add($"{direction} '{r.Name}' is {c.Type}; the pipeline uses {r.Type}");
                }

                if (r.Shape.Count != c.Shape.Count || r.Shape.Zip(c.Shape).Any(d => !fits(d.First, d.Second)))
                {
                    problems.Add($"{direction} '{r.Name}' has shape {Shape(c)}; the pipeline uses {Shape(r)}");
                }
            }
        }

        static string Names(IReadOnlyList<TensorSpec> t) => "[" + string.Join(", ", t.Select(x => x.Name)) + "]";

        static string Shape(TensorSpec t) => "[" + string.Join(',', t.Shape.Select(d => d < 0 ? "?" : d.ToString(CultureInfo.InvariantCulture))) + "]";
    }
}
