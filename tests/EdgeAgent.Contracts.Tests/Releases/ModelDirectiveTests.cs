using System.Text;
using EdgeAgent.Contracts.Releases;

namespace EdgeAgent.Contracts.Tests.Releases;

public sealed class ModelDirectiveTests
{
    private static readonly string Sha = new('b', 64);

    [Fact]
    public void TryParse_WhatToJsonWrote_SameDirective()
    {
        var directive = Directive();

        var read = ModelDirective.TryParse(directive.ToJson(), out var error);

        Assert.Null(error);
        Assert.Equal(directive with { Probation = read!.Probation }, read);
        Assert.Equal(directive.Probation, read.Probation);
    }

    [Theory]
    [InlineData("\"action\":\"install\"", "\"action\":\"reinstall\"", "action 'reinstall' is not one of install, rollback")]
    [InlineData("\"schema\":1", "\"schema\":2", "directive schema 2 is not supported")]
    [InlineData("\"manifestUrl\":\"http://hub:8080/api/v1/releases/m/1.0.0/release.json\"", "\"manifestUrl\":\"/api/v1/releases/m/1.0.0/release.json\"", "must be absolute URLs")]
    [InlineData("\"calls\":200", "\"calls\":0", "probation.calls 0 must be between 1 and 1000000")]
    [InlineData("\"campaign\":\"ro-1\"", "\"campaign\":\"ro-1\",\"extra\":true", "not a model directive")]
    public void TryParse_BadField_NullWithTheReason(string from, string to, string reason)
    {
        var json = Encoding.UTF8.GetString(Directive().ToJson());
        Assert.Contains(from, json, StringComparison.Ordinal);

        var read = ModelDirective.TryParse(Encoding.UTF8.GetBytes(json.Replace(from, to, StringComparison.Ordinal)), out var error);

        Assert.Null(read);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    private static ModelDirective Directive() => new()
    {
        Campaign = "ro-1",
        Action = ModelDirective.Install,
        Name = "m",
        Version = "1.0.0",
        Sha256 = Sha,
        Size = 10,
        ManifestUrl = "http://hub:8080/api/v1/releases/m/1.0.0/release.json",
        ArtifactUrl = $"http://hub:8080/api/v1/artifacts/{Sha}",
    };
}
