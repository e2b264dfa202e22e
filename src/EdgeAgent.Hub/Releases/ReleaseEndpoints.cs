using EdgeAgent.Hub.Store;
using EdgeAgent.Hub.Web.Access;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace EdgeAgent.Hub.Releases;

/// <summary>A release as <c>GET /api/v1/releases</c> lists it.</summary>
internal sealed record ReleaseView(string Name, string Version, string Sha256, long Size, string KeyId, bool KeyRevoked, long PublishedAtMs,
    IReadOnlyList<string> Boards, string AgentMin, string? AgentBelow, string ManifestPath, string ArtifactPath);

/// <summary>
/// The release routes. They are anonymous on purpose: devices fetch them without an account, and what they fetch proves
/// itself (the release's signature by a release key the device trusts, the artifact's SHA-256 named in that signed
/// manifest). They serve only published releases and their artifacts, nothing of any tenant.
/// </summary>
internal static class ReleaseEndpoints
{
    public static string ManifestPath(string name, string version) => $"{Web.Api.ApiEndpoints.Prefix}/releases/{Uri.EscapeDataString(name)}/{Uri.EscapeDataString(version)}/release.json";

    public static string ArtifactPath(string sha256) => $"{Web.Api.ApiEndpoints.Prefix}/artifacts/{sha256}";

    public static void Map(IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var api = app.MapGroup(Web.Api.ApiEndpoints.Prefix).AllowAnonymous().AddEndpointFilter<AccessFilter>();
        api.MapGet("/releases", (HubOptions o, string? name) => TypedResults.Ok(With(o, (r, _) => r.List(string.IsNullOrEmpty(name) ? null : name).Select(View(r)).ToList())))
            .WithTags("releases").WithSummary("Published model releases (anonymous: devices read it; integrity comes from the signatures), optionally of one model.");
        api.MapGet("/releases/{name}/{version}/release.json", (HubOptions o, string name, string version) =>
                With(o, (r, _) => r.Find(name, version) is { } row
                    ? Results.Bytes(row.ReleaseJson, "application/json", entityTag: new EntityTagHeaderValue($"\"{row.Sha256}\""))
                    : Results.Json(new ApiError($"no release {name} {version}"), statusCode: StatusCodes.Status404NotFound)))
            .WithTags("releases").WithSummary("The signed release (release.json), byte for byte as stored: the manifest's bytes, the key id and the ECDSA P-256 signature over them (anonymous).");
        api.MapGet("/artifacts/{sha256}", (HubOptions o, string sha256) =>
            {
                var artifacts = new ArtifactStore(o.DatabasePath);
                if (!artifacts.Contains(sha256))
                {
                    return Results.Json(new ApiError($"no artifact {sha256}"), statusCode: StatusCodes.Status404NotFound);
                }

                return Results.File(artifacts.PathOf(sha256), "application/octet-stream", fileDownloadName: null,
                    entityTag: new EntityTagHeaderValue($"\"{sha256}\""), enableRangeProcessing: true);
            })
            .WithTags("releases").WithSummary("A model artifact by its SHA-256, with HTTP range requests (206 and Content-Range; 416 past the end); ETag is the SHA-256 (anonymous).");
    }

    private static T With<T>(HubOptions options, Func<ReleaseRegistry, HubStore, T> read)
    {
        using var store = HubStore.Open(options.DatabasePath);
        return read(new ReleaseRegistry(store, new ArtifactStore(store.Path), TimeProvider.System), store);
    }

    private static Func<ReleaseRow, ReleaseView> View(ReleaseRegistry registry)
    {
        var revoked = registry.Keys().Where(k => k.RevokedAtMs is not null).Select(k => k.KeyId).ToHashSet(StringComparer.Ordinal);
        return r =>
        {
            var m = r.Manifest;
            return new ReleaseView(r.Name, r.Version, r.Sha256, r.Size, r.KeyId, revoked.Contains(r.KeyId), r.PublishedAtMs, m.Boards, m.AgentMin, m.AgentBelow,
                ManifestPath(r.Name, r.Version), ArtifactPath(r.Sha256));
        };
    }
}
