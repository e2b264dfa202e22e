using System.ComponentModel.DataAnnotations;
using EdgeAgent.Device.Updates.Download;

namespace EdgeAgent.Device.Updates;

/// <summary>Model updates from the hub; bound from the <c>Updates</c> section.</summary>
internal sealed class UpdatesOptions : IValidatableObject
{
    public const string Section = "Updates";

    /// <summary>PEM files of the release public keys this device trusts (ECDSA P-256). Without any, every release is refused (key.untrusted).</summary>
    public List<string> TrustedKeys { get; set; } = [];

    /// <summary>Key ids (16 hex digits) whose releases are refused even while the key is listed.</summary>
    public List<string> RevokedKeys { get; set; } = [];

    /// <summary>This device's board profile, matched against a release's boards. Default <c>generic</c> (the hardware layer sets it).</summary>
    [RegularExpression("^[A-Za-z0-9._-]{1,64}$", ErrorMessage = "Updates:Board must be 1-64 of A-Z a-z 0-9 . _ -")]
    public string Board { get; set; } = "generic";

    /// <summary>Where releases live: <c>{dir}/{name}/{sha256}.onnx</c> and <c>.release.json</c>. Default <c>{Agent:StateDirectory}/releases</c>.</summary>
    public string? Directory { get; set; }

    /// <summary>Starts inside activation or probation after which the update is rolled back (<c>boot.loop</c>). Default 3.</summary>
    [Range(1, 100, ErrorMessage = "Updates:BootLimit must be between 1 and 100")]
    public int BootLimit { get; set; } = 3;

    /// <summary>Downloads (bound and validated as their own section, <c>Updates:Download</c>).</summary>
    public DownloaderOptions Download { get; set; } = new();

    public string DirectoryUnder(string stateDirectory) => Directory ?? Path.Combine(stateDirectory, "releases");

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < TrustedKeys.Count; i++)
        {
            if (!File.Exists(TrustedKeys[i]))
            {
                yield return new ValidationResult($"Updates:TrustedKeys:{i} '{TrustedKeys[i]}' must be an existing PEM file of a release public key");
            }
        }

        for (var i = 0; i < RevokedKeys.Count; i++)
        {
            if (!System.Text.RegularExpressions.Regex.IsMatch(RevokedKeys[i], "^[0-9a-f]{16}$"))
            {
                yield return new ValidationResult($"Updates:RevokedKeys:{i} '{RevokedKeys[i]}' must be a key id: 16 lower-case hex digits");
            }
        }
    }
}
